"""Every row of PostHog's endpoint list answers as its reference page says, with its documented scope.

One test per row of shared/posthog-api/endpoints.tsv, against a fresh simulator with its seeded data:
the path is filled with real ids, writes send a sensible body, and the answer must carry the
documented success status and the keys of the page's example response, in each simulator profile (PostHog
version). The route registers the scope PostHog's code declares (the page's, or spec.SCOPES_BEHIND_DASH where
the page names none); a seeded key without it is refused with 403, and where PostHog declares none, every
scoped key meets the scope wall.
"""

import pytest
import requests

from simulator import DEMO_KEY, PLUGINS_ONLY_KEY, READ_ONLY_KEY, UNSCOPED_KEY
from simulator.core.routing import match
from simulator.profiles import PLUGINS_ACCESS_INSTALL, PLUGINS_ACCESS_ROOT
from tests.simulator import spec

MISSING = spec.spec_missing_reason()
ROWS = [pytest.param(None, id="posthog-api-spec")] if MISSING else [pytest.param(row, id=row.id) for row in spec.rows()]


def grants(scopes: list[str], scope: str) -> bool:
    if "*" in scopes or scope in scopes:
        return True
    return scope.endswith(":read") and scope.replace(":read", ":write") in scopes


def test_every_row_has_a_reference_page_entry():
    if MISSING:
        spec.skip_or_fail(MISSING)
    undocumented = [row.id for row in spec.rows() if spec.doc_example(row) is None]
    assert not undocumented, f"rows whose reference page has no request of that method and path: {undocumented}"
    assert len({row.key for row in spec.rows()}) == len(spec.rows()), "endpoints.tsv repeats a row"


@pytest.mark.parametrize("row", ROWS)
def test_endpoint(row, simulator, sim):
    """Each row in each profile: its scope as PostHog's code declares it (the scope wall where it declares none),
    retired where the version has no such endpoint, else the documented status and shape."""
    if row is None:
        spec.skip_or_fail(MISSING)
    profile = simulator.profile
    ids = spec.Ids(sim.call)
    path, params, body = spec.request_for(row, ids)

    if spec.retired_in(row, profile):
        answer = sim.call(row.method, path, params=params, json=body)
        assert (answer.status_code, answer.json()["detail"]) == (404, "Endpoint not found."), answer.text[:300]
        return

    found, _, _ = match(row.method, path, profile)
    assert found is not None, f"the simulator has no route for {row.id} ({row.method} {path})"
    scope = spec.declared_scope(row, profile)
    assert found.scope == scope, f"{row.id} is registered with scope {found.scope!r}; PostHog declares {scope!r}"

    if scope:
        lacking = [
            key
            for key in (PLUGINS_ONLY_KEY, READ_ONLY_KEY)
            if not grants(simulator.state.personal_api_keys.scopes(key), scope)
        ]
        if lacking:
            refused = _as(simulator, lacking[0], row.method, path, params, body)
            assert refused.status_code == 403, f"a key without {scope} got {refused.status_code}: {refused.text[:300]}"
            assert refused.json()["code"] == "permission_denied"

    key = DEMO_KEY
    if scope is None and profile.demo_key_scopes:
        # The scope wall: every scoped key is refused, `*` included; a key made before scopes still passes.
        walled = _as(simulator, DEMO_KEY, row.method, path, params, body)
        assert walled.status_code == 403, f"{row.id}: a scoped key passed an action without a scope: {walled.text}"
        assert walled.json()["detail"] == "This action does not support personal API key access"
        key = UNSCOPED_KEY
    needs_install = row.method != "GET" or row.path.endswith(("/check_for_updates/", "/source/"))
    if row.area == "plugins" and needs_install and profile.plugins_access_level < PLUGINS_ACCESS_INSTALL:
        refused = _as(simulator, key, row.method, path, params, body)
        assert refused.status_code == 403, f"{row.id} passed the Configure plugin access level: {refused.text}"
        assert "access level" in refused.json()["detail"] or "not available" in refused.json()["detail"]
        simulator.state.plugins.set_access_level(PLUGINS_ACCESS_ROOT)

    expect = spec.expectation(row, profile)
    answer = _as(simulator, key, row.method, path, params, body)
    assert answer.status_code == expect.status, (
        f"{row.method} {path} params={params} body={body} answered {answer.status_code}, "
        f"expected {expect.status}{f' ({expect.reason})' if expect.reason else ''}: {answer.text[:500]}"
    )
    problems = spec.check_shape(expect, answer)
    assert not problems, f"{row.method} {path}: {'; '.join(problems)}; body: {answer.text[:500]}"


def _as(simulator, key: str, method: str, path: str, params, body):
    return requests.request(
        method, simulator.url + path, params=params, json=body, timeout=10, headers={"Authorization": f"Bearer {key}"}
    )
