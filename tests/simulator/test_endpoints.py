"""Every row of PostHog's endpoint list answers as its reference page says, with its documented scope.

One test per row of shared/posthog-api/endpoints.tsv, against a fresh simulator with its seeded data:
the path is filled with real ids, writes send a sensible body, and the answer must carry the
documented success status and the keys of the page's example response. Where a row names a scope,
the route registers exactly that scope and a seeded key without it is refused with 403.
"""

import pytest
import requests

from simulator.core.routing import match
from simulator.core.seed import PLUGINS_ONLY_KEY, READ_ONLY_KEY
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
    if row is None:
        spec.skip_or_fail(MISSING)
    store = simulator.simulator.store
    ids = spec.Ids(sim.call)
    expect = spec.expectation(row)
    path, params, body = spec.request_for(row, ids)

    found, _, _ = match(row.method, path)
    assert found is not None, f"the simulator has no route for {row.id} ({row.method} {path})"
    assert found.scope == row.required_scope, (
        f"{row.id} is registered with scope {found.scope!r}; endpoints.tsv says {row.scope!r}"
    )

    if row.required_scope:
        lacking = [
            key
            for key in (PLUGINS_ONLY_KEY, READ_ONLY_KEY)
            if not grants(store.get("personal_api_key", key)["scopes"], row.required_scope)
        ]
        if lacking:
            refused = requests.request(
                row.method,
                simulator.url + path,
                params=params,
                json=body,
                timeout=10,
                headers={"Authorization": f"Bearer {lacking[0]}"},
            )
            assert refused.status_code == 403, (
                f"a key without {row.required_scope} got {refused.status_code}: {refused.text[:300]}"
            )
            assert refused.json()["code"] == "permission_denied"

    answer = sim.call(row.method, path, params=params, json=body)
    assert answer.status_code == expect.status, (
        f"{row.method} {path} params={params} body={body} answered {answer.status_code}, "
        f"expected {expect.status}{f' ({expect.reason})' if expect.reason else ''}: {answer.text[:500]}"
    )
    problems = spec.check_shape(expect, answer)
    assert not problems, f"{row.method} {path}: {'; '.join(problems)}; body: {answer.text[:500]}"
