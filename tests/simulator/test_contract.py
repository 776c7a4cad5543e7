"""The simulator's responses match PostHog's published OpenAPI schemas.

For every endpoints.tsv row (and the navigation reads the portal uses) whose path one of the
schemas describes with a JSON success response, the simulator is called as in test_endpoints.py and
its answer is validated with jsonschema against that response schema (OpenAPI 3.0: `nullable`
allows null; `$ref`s resolve into the file's components). openapi.yaml (Nov 2025) is preferred;
schema.yaml (2023) covers plugins and plugin_configs CRUD. Differences kept on purpose are listed in
spec.DELIBERATE_DIFFERENCES and simulator/CONTRACT.md.
"""

import json

import pytest
import requests

from simulator import DEMO_KEY, UNSCOPED_KEY
from simulator.profiles import PLUGINS_ACCESS_ROOT
from tests.simulator import spec

MISSING = spec.spec_missing_reason()


def _cases() -> list:
    if MISSING:
        return [pytest.param(None, id="posthog-api-spec")]
    cases = []
    for row in (*spec.rows(), *spec.EXTRA_READS):
        operation = spec.schema_operation(row.method, row.path)
        if operation is not None and operation.schema is not None:
            cases.append(pytest.param(row, id=row.id))
    return cases


CASES = _cases()
# Rows neither schema describes; anything else unmapped means the path mapping broke.
NOT_IN_SCHEMAS = {
    "secret_api_keys": "neither schema has project secret API keys",
}
UNMAPPED_ROWS = {
    ("GET", "/api/projects/:project_id/plugin_configs/:id/activity/"): "schema.yaml (2023) predates it",
    (
        "POST",
        "/api/organizations/:organization_id/projects/:id/generate_conversations_public_token/",
    ): "openapi.yaml (Nov 2025) predates it",
    ("POST", "/api/projects/:project_id/file_system/undo_delete/"): "openapi.yaml (Nov 2025) predates it",
}


@pytest.fixture(scope="session")
def jsonschema_module():
    try:
        import jsonschema
    except ImportError:
        spec.skip_or_fail("the contract test needs jsonschema (install the project's dev dependencies)")
    return jsonschema


def test_every_row_maps_to_a_schema_path_or_is_known_absent():
    if MISSING:
        spec.skip_or_fail(MISSING)
    unexpected = [
        row.id
        for row in spec.rows()
        if spec.schema_operation(row.method, row.path) is None
        and row.area not in NOT_IN_SCHEMAS
        and row.key not in UNMAPPED_ROWS
    ]
    assert not unexpected, f"rows no schema describes (map them or list them as absent): {unexpected}"
    stale = [key for key in UNMAPPED_ROWS if spec.schema_operation(*key) is not None]
    assert not stale, f"rows listed as absent from the schemas that a schema now describes: {stale}"


def test_deliberate_differences_name_real_rows():
    if MISSING:
        spec.skip_or_fail(MISSING)
    known = {row.key for row in (*spec.rows(), *spec.EXTRA_READS)}
    unknown = [key for key in spec.DELIBERATE_DIFFERENCES if tuple(key[:2]) not in known]
    assert not unknown, f"DELIBERATE_DIFFERENCES entries for no endpoint: {unknown}"
    undescribed = [
        key
        for key in spec.DELIBERATE_DIFFERENCES
        if (op := spec.schema_operation(*key[:2])) is None or op.schema is None
    ]
    assert not undescribed, f"DELIBERATE_DIFFERENCES entries for endpoints no schema describes: {undescribed}"


@pytest.mark.parametrize("row", CASES)
def test_response_matches_schema(row, simulator, sim, jsonschema_module):
    if row is None:
        spec.skip_or_fail(MISSING)
    if reason := spec.DELIBERATE_DIFFERENCES.get(row.key):
        pytest.skip(f"deliberate difference: {reason}")
    profile = simulator.profile
    if spec.retired_in(row, profile):
        pytest.skip(f"the {profile.name} profile's PostHog has no such endpoint (test_endpoints checks its 404)")
    if (reason := _differs_in(row, profile)) is not None:
        pytest.skip(f"the {profile.name} profile answers otherwise on purpose: {reason}")
    operation = spec.schema_operation(row.method, row.path)
    ids = spec.Ids(sim.call)
    path, params, body = spec.request_for(row, ids)
    # The answer's shape, whatever stands in the way of the demo key: the scope wall (a key made before scopes
    # passes) and the organization's plugin access level.
    key = UNSCOPED_KEY if spec.declared_scope(row, profile) is None else DEMO_KEY
    if row.area == "plugins":
        simulator.state.plugins.set_access_level(PLUGINS_ACCESS_ROOT)
    answer = requests.request(
        row.method,
        simulator.url + path,
        params=params,
        json=body,
        timeout=10,
        headers={"Authorization": f"Bearer {key}"},
    )
    assert 200 <= answer.status_code < 300, (
        f"{row.method} {path} answered {answer.status_code} (schema documents {operation.status}): {answer.text[:500]}"
    )
    try:
        document = answer.json()
    except ValueError:
        pytest.fail(f"{row.method} {path}: the schema documents a JSON body, got {answer.text[:300]!r}")

    ignored = [key[2] for key in spec.DELIBERATE_DIFFERENCES if len(key) == 3 and tuple(key[:2]) == row.key]
    validator = spec.validator_for(operation)
    errors = [
        error
        for error in validator.iter_errors(document)
        if spec.counts(error, ignored) and not _absent_in_profile(error, profile)
    ]
    if errors:
        pytest.fail(_report(row, path, operation, document, errors), pytrace=False)


def _differs_in(row, profile) -> str | None:
    """Profile behaviours the schemas predate, each with the PostHog source behind it."""
    if row.key == ("POST", "/api/projects/:project_id/plugin_configs/") and profile.plugin_config_create_retired:
        return "newer PostHog no longer creates plugin configs from a JSON body (products/cdp/backend/api/plugin.py)"
    if row.key == ("GET", "/api/projects/:project_id/environments/") and not profile.project_environments_list:
        return "newer PostHog refuses the environments list (posthog/api/project.py ProjectEnvironmentsViewSet)"
    if row.path.endswith("/groups/property_values/") and not profile.group_property_values_envelope:
        return "older PostHog answers property_values as a bare list (ee/clickhouse/views/groups.py)"
    return None


def _absent_in_profile(error, profile) -> bool:
    """A field the schema requires that this profile's PostHog version no longer sends."""
    absent = set() if profile.plugin_config_delivery_rate else {"delivery_rate_24h"}
    return error.validator == "required" and any(f"'{name}' is a required property" in error.message for name in absent)


def _report(row, path, operation, document, errors) -> str:
    lines = [
        (
            f"{row.method} {path} does not match {operation.file} {operation.method.upper()} "
            f"{operation.path} ({operation.status}): {len(errors)} problem(s)"
        )
    ]
    for error in sorted(errors, key=lambda e: list(map(str, e.absolute_path)))[:10]:
        leaf = _leaf(error)
        at = spec.pointer(leaf.absolute_path) or "(the whole body)"
        expected = json.dumps(leaf.validator_value, default=str)
        if len(expected) > 160:
            expected = expected[:157] + "..."
        lines.append(f"  at {at}: {leaf.message[:300]}")
        lines.append(
            f"      schema expects {leaf.validator}: {expected} (schema path {spec.pointer(leaf.absolute_schema_path)})"
        )
    if len(errors) > 10:
        lines.append(f"  ... and {len(errors) - 10} more")
    lines.append(
        "If the difference is deliberate, list it with its reason in tests/simulator/spec.py "
        "DELIBERATE_DIFFERENCES and simulator/CONTRACT.md."
    )
    return "\n".join(lines)


def _leaf(error):
    """For `nullable` (anyOf [schema, null]) and other anyOfs, the error of the most relevant branch."""
    while error.validator in ("anyOf", "oneOf") and error.context:
        branches = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        useful = [subs for index, subs in branches.items() if error.validator_value[index] != {"type": "null"}] or list(
            branches.values()
        )
        deepest = max(useful[0], key=lambda sub: len(sub.absolute_path))
        if (
            deepest.validator == error.validator
            and deepest.absolute_path == error.absolute_path
            and deepest.context == error.context
        ):
            break
        error = deepest
    return error


def test_contract_md_lists_every_deliberate_difference():
    """simulator/CONTRACT.md is the readable copy of DELIBERATE_DIFFERENCES: same entries, both ways."""
    contract = spec.CONTRACT_MD.read_text(encoding="utf-8")
    listed = set()
    for line in contract.splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] in ("GET", "POST", "PATCH", "PUT", "DELETE"):
            listed.add((cells[0], cells[1]) if cells[2] in ("", "(whole response)") else tuple(cells[:3]))
    in_code = set(spec.DELIBERATE_DIFFERENCES)
    assert not in_code - listed, f"in DELIBERATE_DIFFERENCES but not in CONTRACT.md: {sorted(in_code - listed)}"
    assert not listed - in_code, f"in CONTRACT.md but not in DELIBERATE_DIFFERENCES: {sorted(listed - in_code)}"
