"""Hog functions in the simulator, as products/cdp/backend/api/hog_function.py serves them: the list and one
function, writes with PostHog's validation, the soft delete and its undoing, rearrange, logs, metrics and test runs;
and none of it on an older PostHog."""

from datetime import UTC, datetime, timedelta

import pytest
import requests

from simulator.core.seed import PLUGINS_ONLY_KEY, READ_ONLY_KEY

CURRENT = pytest.mark.profiles("current", reason="only today's PostHog has hog functions")
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
EVENT = {
    "uuid": "0190a8f1-aaaa-7000-8000-000000000001",
    "event": "signed_up",
    "distinct_id": "hog-1",
    "properties": {"$ip": "203.0.113.7", "email": "hog@hedgehog.example"},
    "timestamp": "2026-01-05T10:00:00Z",
}


def named(simulator, name: str) -> dict:
    return simulator.state.hog_functions.by_name(name)


def path(function: dict, *rest: str) -> str:
    return FUNCTIONS + function["id"] + "/" + "".join(f"{part}/" for part in rest)


# The list and one function ----------------------------------------------------------------------------------


@CURRENT
def test_list_is_minimal_ordered_and_hides_deleted(simulator, sim):
    page = sim.call("GET", FUNCTIONS).json()
    assert set(page) == {"count", "next", "previous", "results"} and page["count"] == 7
    functions = page["results"]
    assert all(set(f) == MINIMAL for f in functions)
    # order_by("execution_order", "-updated_at"): the transformations in their order, then the newest first.
    assert [f["name"] for f in functions[:3]] == ["GeoIP", "Hash emails and phone numbers", "Mask tokens in URLs"]
    assert [f["updated_at"] for f in functions[3:]] == sorted((f["updated_at"] for f in functions[3:]), reverse=True)
    assert "Old staging webhook" not in {f["name"] for f in functions}
    assert functions[0]["template"]["id"] == "template-geoip" and functions[0]["status"] == {
        "state": 1,
        "tokens": 10000,
    }
    assert functions[0]["created_by"]["email"] == "dana@hedgehog.example"
    crm = next(f for f in functions if f["name"] == "CRM sync webhook")
    assert crm["status"]["state"] == 2  # degraded: most of its runs fail
    billing = next(f for f in functions if f["name"] == "Billing service webhook")
    assert billing["status"] == {"state": 0, "tokens": 0}  # HogFunction.status: DEFAULT_STATE while disabled
    assert len(simulator.state.hog_functions.all(1, deleted=True)) == 8


@CURRENT
def test_list_filters(sim):
    destinations = sim.call("GET", FUNCTIONS + "?type=destination").json()["results"]
    assert {f["type"] for f in destinations} == {"destination"} and len(destinations) == 3
    assert sim.call("GET", FUNCTIONS + "?type=destination,transformation").json()["count"] == 6
    disabled = sim.call("GET", FUNCTIONS + "?enabled=false").json()["results"]
    assert [f["name"] for f in disabled] == ["Billing service webhook"]
    full = sim.call("GET", FUNCTIONS + "?full=true").json()["results"]
    assert all(set(f) == FULL for f in full)
    assert sim.call("GET", FUNCTIONS + "?limit=1").json()["next"]


@CURRENT
def test_retrieve_masks_secret_inputs(simulator, sim):
    webhook = named(simulator, "Billing service webhook")
    answer = sim.call("GET", path(webhook)).json()
    assert set(answer) == FULL and answer == simulator.state.hog_functions.view(webhook["id"])
    assert answer["inputs"]["headers"] == {"secret": True}  # a secret input
    assert answer["inputs"]["url"] == {"value": "https://billing.hedgehog.internal/hooks/posthog"}
    assert simulator.state.hog_functions.get(webhook["id"])["inputs"]["headers"]["value"]["Authorization"]
    assert sim.call("GET", f"/api/environments/1/hog_functions/{webhook['id']}/").json() == answer
    deleted = next(f for f in simulator.state.hog_functions.all(1, deleted=True) if f["deleted"])
    assert sim.call("GET", path(deleted)).status_code == 404
    assert sim.call("GET", f"{FUNCTIONS}0190a8f1-0000-7000-8000-00000000dead/").status_code == 404
    mobile = sim.call("GET", "/api/projects/").json()["results"][1]["id"]
    other = simulator.state.hog_functions.all(mobile)[0]
    assert sim.call("GET", path(other)).status_code == 404
    assert sim.call("GET", f"/api/projects/{mobile}/hog_functions/{other['id']}/").status_code == 200


@CURRENT
def test_keys_need_hog_function_scopes(simulator):
    function = named(simulator, "GeoIP")
    for key in (READ_ONLY_KEY, PLUGINS_ONLY_KEY):
        answer = requests.get(simulator.url + FUNCTIONS, headers={"Authorization": f"Bearer {key}"}, timeout=10)
        assert answer.status_code == 403
        assert answer.json()["detail"] == "API key missing required scope 'hog_function:read'"
        patch = requests.patch(
            simulator.url + path(function),
            json={"enabled": False},
            headers={"Authorization": f"Bearer {key}"},
            timeout=10,
        )
        assert patch.json()["detail"] == "API key missing required scope 'hog_function:write'"


@pytest.mark.profiles("legacy", reason="older PostHog has no hog functions")
def test_older_posthog_has_no_hog_functions(simulator, sim):
    some_id = "0190a8f1-0000-7000-8000-000000000001"
    for method, where in (
        ("GET", FUNCTIONS),
        ("GET", "/api/environments/1/hog_functions/"),
        ("PATCH", f"{FUNCTIONS}{some_id}/"),
        ("PATCH", f"{FUNCTIONS}rearrange/"),
        ("GET", f"{FUNCTIONS}{some_id}/logs/"),
        ("GET", f"{FUNCTIONS}{some_id}/metrics/totals/"),
        ("POST", f"{FUNCTIONS}{some_id}/invocations/"),
    ):
        answer = sim.call(method, where, json={})
        assert answer.status_code == 404 and answer.json()["detail"] == "Endpoint not found."
    assert simulator.state.hog_functions.all(1, deleted=True) == []


# Writes --------------------------------------------------------------------------------------------------------


@CURRENT
def test_create_from_a_template_takes_its_defaults_and_checks_inputs(simulator, sim):
    refused = sim.call("POST", FUNCTIONS, json={"template_id": "template-webhook", "type": "destination"})
    assert refused.status_code == 400
    assert (refused.json()["attr"], refused.json()["detail"]) == ("inputs__url", "This field is required.")
    created = sim.call(
        "POST",
        FUNCTIONS,
        json={
            "template_id": "template-webhook",
            "type": "destination",
            "inputs": {"url": {"value": "https://x.example"}},
        },
    )
    assert created.status_code == 201, created.text
    function = created.json()
    assert function["name"] == "HTTP Webhook" and function["enabled"] is False and function["hog"].startswith("let res")
    assert "method" not in function["inputs"]  # an input neither sent nor required takes no default
    assert function["created_by"]["email"] == "dana@hedgehog.example"
    unknown = sim.call("POST", FUNCTIONS, json={"template_id": "template-nope", "type": "destination"})
    assert unknown.json()["attr"] == "template_id" and "No template found" in unknown.json()["detail"]
    no_code = sim.call("POST", FUNCTIONS, json={"type": "destination", "name": "Empty"})
    assert (no_code.json()["attr"], no_code.json()["detail"]) == ("hog", "Required.")
    geoip = sim.call("POST", FUNCTIONS, json={"template_id": "template-geoip", "type": "transformation"}).json()
    assert geoip["execution_order"] == 4  # transformations join the end of the line


@CURRENT
def test_inputs_are_checked_against_the_schema_with_errors_on_their_field(simulator, sim):
    webhook = named(simulator, "Billing service webhook")
    cases = [
        ({"url": {"value": ""}}, "inputs__url", "This field is required."),
        ({"url": {"value": 12}}, "inputs__url", "Value must be a string."),
        ({"url": {"value": "https://x.example/{{event.uuid}}"}}, "inputs__url", "Liquid-style {{ ... }}"),
        (
            {"url": {"value": "https://x.example"}, "headers": {"value": "no"}},
            "inputs__headers",
            "Value must be a dictionary.",
        ),
    ]
    for inputs, attr, detail in cases:
        answer = sim.call("PATCH", path(webhook), json={"inputs": inputs})
        assert answer.status_code == 400 and answer.json()["attr"] == attr and detail in answer.json()["detail"]
    masking = named(simulator, "Mask tokens in URLs")
    answer = sim.call(
        "PATCH",
        path(masking),
        json={"inputs": {"urlProperties": {"value": {"$current_url": "t"}}, "maskWith": {"value": "{person.name}"}}},
    )
    assert answer.json()["attr"] == "inputs__maskWith"
    assert "Variable not available in transformations: person" in answer.json()["detail"]
    bad_filters = sim.call("PATCH", path(webhook), json={"filters": {"events": "signed_up"}})
    assert bad_filters.json()["attr"] == "filters__events"


@CURRENT
def test_a_secret_left_out_or_sent_masked_keeps_its_value(simulator, sim):
    webhook = named(simulator, "Billing service webhook")
    stored = simulator.state.hog_functions.get(webhook["id"])["inputs"]["headers"]["value"]
    for headers in (None, {"secret": True}):
        inputs = {"url": {"value": "https://billing.example/new"}, "method": {"value": "PUT"}}
        if headers is not None:
            inputs["headers"] = headers
        answer = sim.call("PATCH", path(webhook), json={"inputs": inputs})
        assert answer.status_code == 200, answer.text
        assert answer.json()["inputs"]["headers"] == {"secret": True}
        assert simulator.state.hog_functions.get(webhook["id"])["inputs"]["headers"]["value"] == stored
    # Inputs a write leaves out are gone: PostHog validates the inputs sent against the whole schema.
    assert "body" not in simulator.state.hog_functions.get(webhook["id"])["inputs"]
    rotated = sim.call(
        "PATCH",
        path(webhook),
        json={"inputs": {"url": {"value": "https://b.example"}, "headers": {"value": {"X": "new"}}}},
    )
    assert rotated.json()["inputs"]["headers"] == {"secret": True}
    assert simulator.state.hog_functions.get(webhook["id"])["inputs"]["headers"]["value"] == {"X": "new"}
    pii = named(simulator, "Hash emails and phone numbers")
    simulator.state.hog_functions.update(pii["id"], inputs={"propertiesToHash": {"value": "email"}})
    nothing = sim.call(
        "PATCH", path(pii), json={"inputs": {"propertiesToHash": {"value": "email"}, "salt": {"secret": True}}}
    )
    assert nothing.json()["attr"] == "inputs__salt" and "No value is saved" in nothing.json()["detail"]


@CURRENT
def test_rename_enable_and_disable_by_patch(simulator, sim):
    slack = named(simulator, "Slack #growth: new signups")
    renamed = sim.call("PATCH", path(slack), json={"name": "Slack #growth"}).json()
    assert renamed["name"] == "Slack #growth"
    off = sim.call("PATCH", path(slack), json={"enabled": False}).json()
    assert off["enabled"] is False and off["status"] == {"state": 0, "tokens": 0}
    simulator.state.hog_functions.update(slack["id"], status={"state": 3, "tokens": 0})
    on = sim.call("PATCH", path(slack), json={"enabled": True}).json()
    assert on["status"]["state"] == 2  # re-enabled after the watcher disabled it: degraded, not healthy
    put = sim.call("PUT", path(slack), json={"name": "Slack", "type": "destination"})
    assert put.status_code == 200 and put.json()["name"] == "Slack"
    assert sim.call("PATCH", path(slack), json={"type": "transformation"}).json()["detail"] == (
        "Cannot modify the type of an existing function"
    )
    activity = simulator.state.hog_functions.activity(slack["id"])
    assert activity and activity[0]["activity"] == "updated"


@CURRENT
def test_delete_is_a_soft_delete_that_a_patch_undoes(simulator, sim):
    masking = named(simulator, "Mask tokens in URLs")
    refused = sim.call("DELETE", path(masking))
    assert refused.status_code == 405 and refused.content == b""
    sim.call("PATCH", path(masking), json={"deleted": True})
    assert sim.call("GET", path(masking)).status_code == 404
    assert masking["id"] not in {f["id"] for f in sim.call("GET", FUNCTIONS).json()["results"]}
    assert sim.call("PATCH", path(masking), json={"name": "x"}).status_code == 404  # only `deleted: false` finds it
    assert sim.call("PUT", path(masking), json={"deleted": False}).status_code == 404  # a partial update only
    # Another transformation takes the end of the line meanwhile; the restored one goes after it.
    added = sim.call(
        "POST", FUNCTIONS, json={"template_id": "template-geoip", "type": "transformation", "name": "GeoIP 2"}
    )
    assert added.json()["execution_order"] == 3  # the highest of the functions not deleted, plus one
    restored = sim.call("PATCH", path(masking), json={"deleted": False})
    assert restored.status_code == 200 and restored.json()["execution_order"] == 4
    assert sim.call("GET", path(masking)).status_code == 200
    kinds = [entry["activity"] for entry in simulator.state.hog_functions.activity(masking["id"])]
    assert kinds[:2] == ["updated", "deleted"]


@CURRENT
def test_rearrange_sets_execution_orders_of_one_type(simulator, sim):
    geoip, pii, masking = (
        named(simulator, n) for n in ("GeoIP", "Hash emails and phone numbers", "Mask tokens in URLs")
    )
    answer = sim.call(
        "PATCH", FUNCTIONS + "rearrange/", json={"orders": {masking["id"]: 1, geoip["id"]: 2, pii["id"]: 3}}
    )
    assert answer.status_code == 200, answer.text
    assert [f["name"] for f in answer.json()] == ["Mask tokens in URLs", "GeoIP", "Hash emails and phone numbers"]
    assert set(answer.json()[0]) == FULL  # HogFunctionSerializer, no pagination
    listed = [f["name"] for f in sim.call("GET", FUNCTIONS + "?type=transformation").json()["results"]]
    assert listed == ["Mask tokens in URLs", "GeoIP", "Hash emails and phone numbers"]
    change = simulator.state.hog_functions.activity(masking["id"])[0]["detail"]["changes"]
    assert change == [{"type": "HogFunction", "action": "changed", "field": "priority", "before": "3", "after": "1"}]
    slack = named(simulator, "Slack #growth: new signups")
    for body, detail in (
        ({}, "No orders provided"),
        ({"orders": {slack["id"]: 1}}, f"HogFunction with id {slack['id']} does not exist"),
    ):
        refused = sim.call("PATCH", FUNCTIONS + "rearrange/", json=body)
        assert refused.status_code == 400 and refused.json()["detail"] == detail and refused.json()["attr"] is None


# Logs and metrics ----------------------------------------------------------------------------------------------


@CURRENT
def test_logs_are_newest_first_filtered_and_paged_by_time(simulator, sim):
    slack = named(simulator, "Slack #growth: new signups")
    start = datetime.now(UTC) - timedelta(minutes=30)
    made = simulator.state.hog_functions.logs_add(
        slack["id"],
        [
            (start + timedelta(seconds=n), "ERROR" if n % 10 == 0 else "INFO", f"entry {n} {'boom' if n == 20 else ''}")
            for n in range(120)
        ],
        instance_id="inv-1",
    )
    page = sim.call("GET", path(slack, "logs") + "?instance_id=inv-1").json()
    assert page["count"] == 50 and page["next"] is None and len(page["results"]) == 50  # the default limit
    assert page["results"][0] == made[-1] and set(page["results"][0]) == {
        "log_source_id",
        "instance_id",
        "timestamp",
        "level",
        "message",
    }
    older = sim.call(
        "GET",
        path(slack, "logs"),
        params={"instance_id": "inv-1", "before": page["results"][-1]["timestamp"], "limit": 500},
    ).json()
    assert [e["message"] for e in older["results"]][0] == "entry 69 " and older["count"] == 70
    errors = sim.call(
        "GET", path(slack, "logs"), params=[("instance_id", "inv-1"), ("level", "error"), ("level", "WARN")]
    ).json()
    assert {e["level"] for e in errors["results"]} == {"ERROR"} and errors["count"] == 12
    assert (
        sim.call("GET", path(slack, "logs"), params={"search": "BOOM"}).json()["results"][0]["message"]
        == "entry 20 boom"
    )
    after = sim.call("GET", path(slack, "logs"), params={"instance_id": "inv-1", "after": made[-3]["timestamp"]}).json()
    assert after["count"] == 2
    for params, attr in (
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"before": "soon"}, "before"),
        ({"search": ""}, "search"),
    ):
        refused = sim.call("GET", path(slack, "logs"), params=params)
        assert refused.status_code == 400 and refused.json()["attr"] == attr


@CURRENT
def test_metrics_come_as_series_per_name_and_totals_per_function(simulator, sim):
    slack = named(simulator, "Slack #growth: new signups")
    simulator.state.hog_functions.metrics_clear(slack["id"])
    now = datetime.now(UTC)
    simulator.state.hog_functions.metrics_add(slack["id"], now - timedelta(hours=2), succeeded=40, failed=2, filtered=7)
    simulator.state.hog_functions.metrics_add(slack["id"], now - timedelta(days=3), succeeded=100)
    totals = sim.call("GET", path(slack, "metrics", "totals"), params={"after": "-24h", "breakdown_by": "name"}).json()
    assert totals == {"totals": {"succeeded": 40, "failed": 2, "filtered": 7}}
    by_kind = sim.call("GET", path(slack, "metrics", "totals")).json()  # after -7d, by kind
    assert by_kind == {"totals": {"success": 140, "failure": 2, "other": 7}}
    series = sim.call(
        "GET", path(slack, "metrics"), params={"after": "-24h", "interval": "hour", "breakdown_by": "name"}
    ).json()
    assert set(series) == {"labels", "series"} and len(series["labels"]) in (24, 25)
    values = {s["name"]: s["values"] for s in series["series"]}
    assert set(values) == {"succeeded", "failed", "filtered"} and sum(values["succeeded"]) == 40
    assert all(len(v) == len(series["labels"]) for v in values.values())
    refused = sim.call("GET", path(slack, "metrics"), params={"interval": "minute"})
    assert refused.status_code == 400 and refused.json()["attr"] == "interval"


@CURRENT
def test_a_tick_makes_functions_run_and_a_failing_one_fail(simulator, sim):
    slack = named(simulator, "Slack #growth: new signups")
    before = sum(sum(c.values()) for c in simulator.state.hog_functions.metrics(slack["id"]).values())
    simulator.state.hog_functions.fail(slack["id"], status=500, reason="Internal Server Error")
    assert simulator.tick()["hog_functions_ran"] >= 5
    after = simulator.state.hog_functions.metrics(slack["id"])
    assert sum(sum(c.values()) for c in after.values()) > before
    newest = simulator.state.hog_functions.logs(slack["id"])[0]
    assert newest["level"] in ("ERROR", "WARN") and "500 (Internal Server Error)" in newest["message"]
    assert sim.call("GET", path(slack)).json()["status"]["state"] == 2
    site_app = named(simulator, "Launch week banner")
    assert simulator.state.hog_functions.metrics(site_app["id"]) == {}  # site apps run in browsers


# Test runs -----------------------------------------------------------------------------------------------------


@CURRENT
def test_a_test_run_answers_status_logs_and_result(simulator, sim):
    slack, geoip = named(simulator, "Slack #growth: new signups"), named(simulator, "GeoIP")
    missing = sim.call("POST", path(slack, "invocations"), json={"globals": {"event": EVENT}})
    assert (missing.status_code, missing.json()["attr"]) == (400, "configuration")
    no_event = sim.call("POST", path(slack, "invocations"), json={"configuration": {}, "globals": {}})
    assert no_event.status_code == 400 and no_event.json() == {"status": "error", "errors": ["Missing event"]}
    mocked = sim.call(
        "POST",
        path(slack, "invocations"),
        json={"configuration": {}, "globals": {"event": EVENT}, "mock_async_functions": True},
    ).json()
    assert mocked["status"] == "success" and mocked["result"] is None and mocked["errors"] == []
    messages = [line["message"] for line in mocked["logs"]]
    assert "Async function 'fetch' was mocked with arguments:" in messages
    assert any(m.startswith("fetch('https://slack.com/api/chat.postMessage'") for m in messages)
    assert {"level", "timestamp", "message"} == set(mocked["logs"][0])
    pageview = {**EVENT, "event": "$pageview"}
    skipped = sim.call(
        "POST", path(slack, "invocations"), json={"configuration": {}, "globals": {"event": pageview}}
    ).json()
    assert skipped["status"] == "skipped"
    simulator.state.hog_functions.fail(slack["id"])
    failed = sim.call(
        "POST",
        path(slack, "invocations"),
        json={"configuration": {}, "globals": {"event": EVENT}, "mock_async_functions": False},
    ).json()
    assert failed["status"] == "error" and "Request failed with status 503" in failed["errors"][0]
    transformed = sim.call(
        "POST", path(geoip, "invocations"), json={"configuration": {}, "globals": {"event": EVENT}}
    ).json()
    assert transformed["status"] == "success" and transformed["result"]["properties"]["$geoip_city_name"] == "Berlin"
    invalid = sim.call(
        "POST",
        path(slack, "invocations"),
        json={"configuration": {"inputs": {"channel": {"value": ""}}}, "globals": {"event": EVENT}},
    )
    assert invalid.status_code == 400  # the serializer's errors as they are, not drf-exceptions-hog's shape
    assert invalid.json()["configuration"]["inputs"]["slack_workspace"] == ["This field is required."]
    banner = named(simulator, "Launch week banner")
    site = sim.call("POST", path(banner, "invocations"), json={"configuration": {}, "globals": {"event": EVENT}})
    assert site.status_code == 400 and site.json()["errors"] == ["Invalid function type"]
    assert any(e["message"] == "Executing function" for e in simulator.state.hog_functions.logs(slack["id"])[:5])


@CURRENT
def test_a_migrated_plugin_config_is_listed_as_a_hog_function(simulator, sim):
    hubspot = simulator.state.plugin_configs.by_plugin_name("HubSpot", project_id=1)
    # `migrate` declares no scope: a key without scopes passes PostHog's scope wall.
    migrated = requests.post(
        f"{simulator.url}/api/projects/1/plugin_configs/{hubspot['id']}/migrate/",
        headers={"Authorization": f"Bearer {simulator.keys.unscoped}"},
        timeout=10,
    ).json()
    listed = sim.call("GET", FUNCTIONS + "?type=destination").json()["results"]
    assert migrated["id"] in {f["id"] for f in listed}
    assert sim.call("GET", path(migrated)).json()["inputs"]["access_token"] == {"secret": True}
