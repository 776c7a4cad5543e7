"""Hog functions in the simulator (a minimal area): the list and one function, where PostHog has them."""

import pytest
import requests

from simulator.core.seed import PLUGINS_ONLY_KEY, READ_ONLY_KEY

FUNCTIONS = "/api/projects/1/hog_functions/"
MINIMAL = {
    "id",
    "type",
    "name",
    "description",
    "created_at",
    "created_by",
    "updated_at",
    "enabled",
    "hog",
    "filters",
    "icon_url",
    "template",
    "status",
    "execution_order",
}
FULL = MINIMAL | {"inputs_schema", "inputs", "masking", "mappings"}


@pytest.mark.profiles("current", reason="only today's PostHog has hog functions")
def test_list_is_minimal_ordered_and_hides_deleted(simulator, sim):
    page = sim.call("GET", FUNCTIONS).json()
    assert set(page) == {"count", "next", "previous", "results"} and page["count"] == 3
    functions = page["results"]
    assert all(set(f) == MINIMAL for f in functions)
    # order_by("execution_order", "-updated_at"): the GeoIP transformation first, then the newest.
    assert functions[0]["name"] == "GeoIP" and functions[0]["type"] == "transformation"
    assert [f["updated_at"] for f in functions[1:]] == sorted((f["updated_at"] for f in functions[1:]), reverse=True)
    assert "Old staging webhook" not in {f["name"] for f in functions}
    assert functions[0]["template"]["id"] == "template-geoip" and functions[0]["status"] == {
        "state": 1,
        "tokens": 10000,
    }
    assert functions[0]["created_by"]["email"] == "dana@hedgehog.example"
    assert len(simulator.state.hog_functions.all(1, deleted=True)) == 4


@pytest.mark.profiles("current", reason="only today's PostHog has hog functions")
def test_list_filters(sim):
    destinations = sim.call("GET", FUNCTIONS + "?type=destination").json()["results"]
    assert {f["type"] for f in destinations} == {"destination"} and len(destinations) == 2
    assert sim.call("GET", FUNCTIONS + "?type=destination,transformation").json()["count"] == 3
    disabled = sim.call("GET", FUNCTIONS + "?enabled=false").json()["results"]
    assert [f["name"] for f in disabled] == ["Billing service webhook"]
    full = sim.call("GET", FUNCTIONS + "?full=true").json()["results"]
    assert all(set(f) == FULL for f in full)
    assert sim.call("GET", FUNCTIONS + "?limit=1").json()["next"]


@pytest.mark.profiles("current", reason="only today's PostHog has hog functions")
def test_retrieve_masks_secret_inputs(simulator, sim):
    webhook = next(f for f in simulator.state.hog_functions.all(1) if f["name"] == "Billing service webhook")
    answer = sim.call("GET", f"{FUNCTIONS}{webhook['id']}/").json()
    assert set(answer) == FULL and answer == simulator.state.hog_functions.view(webhook["id"])
    assert answer["inputs"]["headers"] == {"secret": True}  # a secret input
    assert answer["inputs"]["url"] == {"value": "https://billing.hedgehog.internal/hooks/posthog"}
    assert simulator.state.hog_functions.get(webhook["id"])["inputs"]["headers"]["value"]["Authorization"]
    assert sim.call("GET", f"/api/environments/1/hog_functions/{webhook['id']}/").json() == answer
    deleted = next(f for f in simulator.state.hog_functions.all(1, deleted=True) if f["deleted"])
    assert sim.call("GET", f"{FUNCTIONS}{deleted['id']}/").status_code == 404
    assert sim.call("GET", f"{FUNCTIONS}0190a8f1-0000-7000-8000-00000000dead/").status_code == 404
    mobile = sim.call("GET", "/api/projects/").json()["results"][1]["id"]
    other = simulator.state.hog_functions.all(mobile)[0]
    assert sim.call("GET", f"{FUNCTIONS}{other['id']}/").status_code == 404
    assert sim.call("GET", f"/api/projects/{mobile}/hog_functions/{other['id']}/").status_code == 200


@pytest.mark.profiles("current", reason="only today's PostHog has hog functions")
def test_keys_need_hog_function_read(simulator):
    for key in (READ_ONLY_KEY, PLUGINS_ONLY_KEY):
        answer = requests.get(simulator.url + FUNCTIONS, headers={"Authorization": f"Bearer {key}"}, timeout=10)
        assert answer.status_code == 403
        assert answer.json()["detail"] == "API key missing required scope 'hog_function:read'"


@pytest.mark.profiles("legacy", reason="older PostHog has no hog functions")
def test_older_posthog_has_no_hog_functions(simulator, sim):
    for path in (FUNCTIONS, "/api/environments/1/hog_functions/"):
        answer = sim.call("GET", path)
        assert answer.status_code == 404 and answer.json()["detail"] == "Endpoint not found."
    assert simulator.state.hog_functions.all(1, deleted=True) == []
