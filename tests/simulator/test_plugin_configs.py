"""Project plugin configs in the simulator: values and secrets, order, create and migrate, jobs, logs, app metrics
and the living data, in both PostHog versions."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import requests

from simulator.areas.plugins import SECRET_MASK
from simulator.core.seed import READ_ONLY_KEY
from tests.simulator.test_plugins import full_access

CONFIGS = "/api/projects/1/plugin_configs/"
PLUGINS = "/api/organizations/@current/plugins/"
RETIRED = "Plugin creation is no longer possible. Please refer to the Hog Functions documentation for more information."
SCOPE_WALL = "This action does not support personal API key access"


@pytest.fixture
def api(simulator, sim):
    return full_access(simulator, sim)


def configs(sim, project: int | str = 1) -> list[dict]:
    """The project's configs; `project="mobile"` is the second project (ids are not sequential)."""
    if project == "mobile":
        project = mobile(sim)
    return sim.call("GET", f"/api/projects/{project}/plugin_configs/?limit=500").json()["results"]


def mobile(sim) -> int:
    return sim.call("GET", "/api/projects/").json()["results"][1]["id"]


def config_named(sim, name: str, project: int = 1) -> dict:
    return next(c for c in configs(sim, project) if c["name"] == name)


def plugin_id(sim, name: str) -> int:
    plugins = sim.call("GET", PLUGINS + "?limit=500").json()["results"]
    return next(p["id"] for p in plugins if p["name"] == name)


def form(values: dict, **fields) -> dict:
    """A form body as PostHog's frontend sends it: `config` as JSON text."""
    return {"config": json.dumps(values), **fields}


def test_lists_are_ordered_and_varied_in_both_projects(sim):
    for project in (1, "mobile"):
        rows = configs(sim, project)
        assert len(rows) >= 10
        assert [(c["order"], c["plugin"]) for c in rows] == sorted((c["order"], c["plugin"]) for c in rows)
        assert all(c["team_id"] == (1 if project == 1 else mobile(sim)) for c in rows)
        assert any(not c["enabled"] for c in rows)
    row = configs(sim)[0]
    required = {"config", "created_at", "id", "order", "plugin", "plugin_info", "team_id", "error", "deleted"}
    assert required <= set(row) and row["plugin_info"] is None and isinstance(row["config"], dict)
    assert "filters" not in row
    assert sim.call("GET", "/api/projects/@current/plugin_configs").json()["count"] == len(configs(sim))


@pytest.mark.profiles("legacy", reason="today's PostHog no longer reports delivery_rate_24h")
def test_delivery_rates_in_lists_and_single_reads(sim):
    """posthog/api/plugin.py (older): delivery_rate_24h is computed for list and retrieve, null elsewhere."""
    for project in (1, "mobile"):
        rates = [c["delivery_rate_24h"] for c in configs(sim, project)]
        assert None in rates and any(r is not None and r >= 0.99 for r in rates)
        assert any(r is not None and 0.75 <= r < 0.99 for r in rates)
        assert any(r is not None and r < 0.75 for r in rates)
        assert all(r is None or (isinstance(r, float | int) and 0 <= r <= 1) for r in rates)
    s3 = config_named(sim, "S3 Export")
    assert sim.call("GET", f"{CONFIGS}{s3['id']}/").json()["delivery_rate_24h"] == s3["delivery_rate_24h"] < 0.75
    assert sim.call("PATCH", f"{CONFIGS}{s3['id']}/", json={"name": "S3"}).json()["delivery_rate_24h"] is None


@pytest.mark.profiles("current", reason="only today's PostHog leaves delivery_rate_24h out of plugin configs")
def test_no_delivery_rate_field(simulator, sim):
    s3 = config_named(sim, "S3 Export")
    assert not any("delivery_rate_24h" in c for c in configs(sim))
    assert "delivery_rate_24h" not in sim.call("GET", f"{CONFIGS}{s3['id']}/").json()
    assert simulator.state.plugin_configs.get(s3["id"])["_delivery_rate"] < 0.75  # still drives the living data


def test_error_is_always_null(simulator, sim):
    assert all(c["error"] is None for c in configs(sim) + configs(sim, "mobile"))
    s3 = config_named(sim, "S3 Export")
    assert simulator.state.plugin_configs.get(s3["id"])["_health"] == "failing"
    for _ in range(40):
        simulator.tick()
    assert sim.call("GET", f"{CONFIGS}{s3['id']}/").json()["error"] is None
    assert simulator.state.plugin_configs.logs(s3["id"], types=["ERROR"])  # errors are in the logs


def test_get_masks_secrets_and_shows_attachments(sim):
    config = config_named(sim, "BigQuery Export (EU warehouse)")
    detail = sim.call("GET", f"{CONFIGS}{config['id']}/").json()
    assert detail["plugin_info"]["name"] == "BigQuery Export" and detail["plugin_info"]["id"] == detail["plugin"]
    assert detail["config"]["googleCloudKeyJson"] == {  # a secret attachment
        "uid": -1,
        "saved": True,
        "size": -1,
        "name": SECRET_MASK,
        "type": "application/octet-stream",
    }
    assert SECRET_MASK == "**************** POSTHOG SECRET FIELD ****************"
    s3 = sim.call("GET", f"{CONFIGS}{config_named(sim, 'S3 Export')['id']}/").json()
    assert s3["config"]["awsAccessKey"] == SECRET_MASK and s3["config"]["awsSecretAccessKey"] == SECRET_MASK
    assert s3["config"]["s3BucketName"] == "hedgehog-posthog-events"
    assert sim.call("GET", f"{CONFIGS}99999/").status_code == 404
    other = configs(sim, "mobile")[0]
    assert sim.call("GET", f"{CONFIGS}{other['id']}/").status_code == 404  # another project's config
    assert sim.call("GET", f"/api/projects/{mobile(sim)}/plugin_configs/{other['id']}").status_code == 200


def test_a_json_config_is_ignored(simulator, sim):
    """`config` is a read-only method field: PostHog drops it from a JSON body and answers the stored values."""
    config = config_named(sim, "S3 Export")
    stored = simulator.state.plugin_configs.get(config["id"])["config"]
    answer = sim.call("PATCH", f"{CONFIGS}{config['id']}/", json={"config": {"prefix": "new/"}, "name": "Lake"})
    assert answer.status_code == 200 and answer.json()["name"] == "Lake"
    assert answer.json()["config"] == config["config"]
    assert simulator.state.plugin_configs.get(config["id"])["config"] == stored


def test_a_form_config_replaces_values_and_keeps_secrets_left_out(simulator, api):
    state = simulator.state.plugin_configs
    config = config_named(api, "S3 Export")
    secret_before = state.get(config["id"])["config"]["awsSecretAccessKey"]
    values = {**config["config"], "awsAccessKey": None, "prefix": "lake/<raw>/"}
    del values["awsSecretAccessKey"]
    answer = api.call("PATCH", f"{CONFIGS}{config['id']}/", data=form(values))
    assert answer.status_code == 200, answer.json()
    assert answer.json()["config"]["awsSecretAccessKey"] == SECRET_MASK
    assert answer.json()["config"]["prefix"] == "lake/<raw>/"
    assert state.get(config["id"])["config"]["awsSecretAccessKey"] == secret_before
    # A new secret value replaces the stored one and still reads masked.
    api.call("PATCH", f"{CONFIGS}{config['id']}/", data=form({**values, "awsAccessKey": "AKIANEW"}))
    assert state.get(config["id"])["config"]["awsAccessKey"] == "AKIANEW"
    assert api.call("GET", f"{CONFIGS}{config['id']}/").json()["config"]["awsAccessKey"] == SECRET_MASK
    entries = api.call("GET", f"{CONFIGS}{config['id']}/activity/").json()["results"]
    assert entries[0]["activity"] == "config_updated" and entries[0]["scope"] == "PluginConfig"
    assert entries[0]["detail"]["name"] == "S3 Export"  # the plugin's name
    # get_plugin_config_changes: a secret's change is masked and names no field.
    assert entries[0]["detail"]["changes"] == [
        {"type": "PluginConfig", "action": "changed", "field": None, "before": SECRET_MASK, "after": SECRET_MASK}
    ]
    assert entries[1]["detail"]["changes"] == [
        {"type": "Plugin", "action": "changed", "field": "prefix", "before": "posthog/", "after": "lake/<raw>/"}
    ]


def test_patch_validation(sim):
    s3 = config_named(sim, "S3 Export")
    path = f"{CONFIGS}{s3['id']}/"
    cases = [
        ({"config": "[1]"}, "config", "not_a_dict"),
        ({"order": "first"}, "order", "invalid_input"),
        ({"order": 2**31}, "order", "max_value"),
        ({"enabled": "maybe"}, "enabled", "invalid_input"),
    ]
    for body, attr, code in cases:
        answer = sim.call("PATCH", path, data=body) if "config" in body else sim.call("PATCH", path, json=body)
        assert answer.status_code == 400 and (answer.json()["attr"], answer.json()["code"]) == (attr, code), body
    # Config text that is not JSON fails PostHog's json.loads: a 500.
    assert sim.call("PATCH", path, data={"config": "{not json"}).status_code == 500
    # PluginConfigSerializer checks no value against the plugin's config_schema: a value outside the choices, a
    # missing required one, an incomplete config enabled, all are stored as sent (the portal's form checks them).
    assert sim.call("PATCH", path, data=form({**s3["config"], "sse": "rot13"})).json()["config"]["sse"] == "rot13"
    snowflake = config_named(sim, "Snowflake Export")
    assert sim.call("PATCH", f"{CONFIGS}{snowflake['id']}/", data=form({"account": "x"})).status_code == 200
    assert sim.call("PATCH", f"{CONFIGS}{snowflake['id']}/", json={"enabled": True}).json()["enabled"] is True


def test_form_fields_are_text(sim):
    config = config_named(sim, "GeoIP")
    answer = sim.call("PATCH", f"{CONFIGS}{config['id']}/", data={"enabled": "false", "order": "7", "name": "Geo"})
    assert answer.status_code == 200
    assert (answer.json()["enabled"], answer.json()["order"], answer.json()["name"]) == (False, 7, "Geo")


def test_enable_disable_and_delete_only_disables(api):
    config = config_named(api, "GeoIP")
    before = api.call("GET", f"{CONFIGS}{config['id']}/activity/").json()["total_count"]
    assert api.call("DELETE", f"{CONFIGS}{config['id']}/").status_code == 204
    after = api.call("GET", f"{CONFIGS}{config['id']}/").json()
    assert after["enabled"] is False and after["deleted"] is False
    assert any(c["id"] == config["id"] for c in configs(api))
    assert api.call("GET", f"{CONFIGS}{config['id']}/activity/").json()["total_count"] == before  # destroy logs nothing
    enabled = api.call("PATCH", f"{CONFIGS}{config['id']}/", json={"enabled": True}).json()
    assert enabled["enabled"] is True
    assert api.call("GET", f"{CONFIGS}{config['id']}/activity/").json()["results"][0]["activity"] == "enabled"
    # destroy has no get_object(): PluginConfig.objects.get raises for an unknown id, a 500.
    assert api.call("DELETE", f"{CONFIGS}99999/").status_code == 500


def test_patch_deleted_hides_from_list(sim):
    config = config_named(sim, "Internal IP Filter")
    answer = sim.call("PATCH", f"{CONFIGS}{config['id']}/", json={"deleted": True}).json()
    assert answer["deleted"] is True and answer["enabled"] is False
    assert all(c["id"] != config["id"] for c in configs(sim))
    assert sim.call("GET", f"{CONFIGS}{config['id']}/").json()["deleted"] is True


@pytest.mark.profiles("current", reason="only today's PostHog retires plugin config creation for hog functions")
def test_create_is_retired_unless_the_plugin_becomes_a_hog_function(simulator, sim):
    geoip, s3 = plugin_id(sim, "GeoIP"), plugin_id(sim, "S3 Export")
    count = len(configs(sim))
    # A JSON body has no config (read-only), so it never converts; a plugin without a template neither.
    for answer in (
        sim.call("POST", CONFIGS, json={"plugin": geoip, "order": 1, "config": {}}),
        sim.call("POST", CONFIGS, data=form({"awsAccessKey": "A"}, plugin=str(s3), order="1")),
    ):
        assert answer.status_code == 400 and answer.json()["detail"] == RETIRED
        assert answer.json()["type"] == "validation_error" and answer.json()["attr"] is None
    assert sim.call("POST", CONFIGS, json={"order": 1}).json()["attr"] == "plugin"  # the serializer checks first
    taxonomy = plugin_id(sim, "Taxonomy")
    created = sim.call(
        "POST", CONFIGS, data=form({"defaultNamingConvention": "camelCase"}, plugin=str(taxonomy), order="4")
    )
    assert created.status_code == 201, created.text
    config = created.json()
    assert (config["id"], config["created_at"], config["updated_at"], config["error"]) == (None, None, None, None)
    assert config["plugin"] == taxonomy and config["plugin_info"]["name"] == "Taxonomy"
    assert config["config"] == {"defaultNamingConvention": "camelCase"} and config["enabled"] is False
    assert len(configs(sim)) == count  # no config was saved: a hog function was
    function = next(f for f in simulator.state.hog_functions.all(1) if f["template_id"] == "plugin-taxonomy-plugin")
    assert function["type"] == "transformation" and function["name"] == "Taxonomy"
    assert function["enabled"] is True and function["execution_order"] == 4  # enabled unless the body says not
    assert function["inputs"] == {"defaultNamingConvention": {"value": "camelCase"}}


@pytest.mark.profiles("legacy", reason="today's PostHog no longer creates plugin configs")
def test_create_saves_a_config_with_values_from_a_form_only(api):
    zapier_url = "https://github.com/PostHog/posthog-zapier-plugin"
    plugin = api.call("POST", PLUGINS, json={"url": zapier_url}).json()
    values = {"webhookUrl": "https://hooks.zapier.com/hooks/catch/1/abc", "messageFormat": "Plain text"}
    answer = api.call(
        "POST", CONFIGS, data=form(values, plugin=str(plugin["id"]), order="3", enabled="true", name="Zapier → CRM")
    )
    assert answer.status_code == 201, answer.json()
    created = answer.json()
    assert created["config"]["webhookUrl"] == SECRET_MASK and created["config"]["messageFormat"] == "Plain text"
    assert created["delivery_rate_24h"] is None and created["team_id"] == 1
    assert created["plugin_info"]["name"] == "Zapier" and created["error"] is None
    assert created["name"] == "Zapier → CRM" and created["description"] == plugin["description"]
    listed = configs(api)
    assert any(c["id"] == created["id"] for c in listed)
    entry = api.call("GET", f"{CONFIGS}{created['id']}/activity/").json()["results"][0]
    assert entry["activity"] == "installed" and entry["user"]["email"] == "dana@hedgehog.example"
    # A JSON body's config is dropped: the config is saved without values.
    ignored = api.call("POST", CONFIGS, json={"plugin": plugin["id"], "order": 4, "config": values}).json()
    assert ignored["config"] == {} and ignored["id"] is not None


@pytest.mark.profiles("legacy", reason="today's PostHog no longer creates plugin configs")
def test_create_validation(simulator, sim):
    geoip = plugin_id(sim, "GeoIP")
    hidden = simulator.state.plugins.by_name("Someone Else's Secret Exporter")["id"]
    cases = [
        ({"order": 1}, "plugin", "required"),
        ({"plugin": 99999, "order": 1}, "plugin", "does_not_exist"),
        ({"plugin": hidden, "order": 1}, "plugin", "does_not_exist"),
        ({"plugin": [1], "order": 1}, "plugin", "incorrect_type"),
        ({"plugin": geoip}, "order", "required"),
        ({"plugin": geoip, "order": 1, "name": "n" * 401}, "name", "max_length"),
    ]
    for body, attr, code in cases:
        answer = sim.call("POST", CONFIGS, data=body) if "config" in body else sim.call("POST", CONFIGS, json=body)
        assert answer.status_code == 400 and (answer.json()["attr"], answer.json()["code"]) == (attr, code), body
    # No value is checked against the plugin's config_schema: an incomplete config is created, enabled too.
    incomplete = form({}, plugin=str(plugin_id(sim, "S3 Export")), order="1", enabled="true")
    assert sim.call("POST", CONFIGS, data=incomplete).status_code == 201


def test_scopes(simulator):
    headers = {"Authorization": f"Bearer {READ_ONLY_KEY}"}
    url = simulator.url + CONFIGS
    assert requests.get(url, headers=headers, timeout=10).status_code == 200
    assert requests.get(url + "1/logs/", headers=headers, timeout=10).status_code == 200
    for method, path in (("POST", ""), ("PATCH", "1/"), ("DELETE", "1/")):
        answer = requests.request(method, url + path, headers=headers, json={}, timeout=10)
        assert answer.status_code == 403 and answer.json()["detail"] == "API key missing required scope 'plugin:write'"


@pytest.mark.profiles(
    "current", reason="only today's PostHog refuses plugin config actions to personal API keys (the scope wall)"
)
def test_custom_actions_refuse_scoped_keys(sim):
    config = config_named(sim, "GeoIP")
    for method, path in (
        ("PATCH", CONFIGS + "rearrange/"),
        ("GET", f"{CONFIGS}{config['id']}/activity/"),
        ("GET", f"{CONFIGS}{config['id']}/frontend/"),
        ("POST", f"{CONFIGS}{config['id']}/migrate/"),
    ):
        answer = sim.call(method, path, json={})
        assert answer.status_code == 403 and answer.json()["detail"] == SCOPE_WALL, path


def test_rearrange(api):
    rows = [c for c in configs(api) if c["enabled"]]
    first, last = rows[0], rows[-1]
    answer = api.call(
        "PATCH", CONFIGS + "rearrange/", json={"orders": {str(first["id"]): last["order"] + 10, str(last["id"]): -1}}
    )
    assert answer.status_code == 200
    assert answer.json()[0]["id"] == last["id"] and answer.json()[-1]["id"] == first["id"]
    assert {c["id"] for c in answer.json()} == {c["id"] for c in rows}  # every enabled config, none other
    listed = configs(api)
    assert listed[0]["id"] == last["id"] and listed[0]["order"] == -1
    assert [c["id"] for c in listed if c["enabled"]][-1] == first["id"]
    # order_changed is logged as a Plugin activity ("so we can also provide unified history").
    entry = api.call("GET", PLUGINS + "activity/").json()["results"][0]
    assert entry["activity"] == "order_changed" and entry["scope"] == "Plugin"
    assert entry["detail"]["changes"][0]["after"] in (-1, last["order"] + 10)
    disabled = next(c for c in configs(api) if not c["enabled"])
    other_project = configs(api, "mobile")[0]["id"]
    ignored = api.call("PATCH", CONFIGS + "rearrange", json={"orders": {"99999": 1, str(other_project): 1}})
    assert ignored.status_code == 200  # unknown, other projects' and disabled configs are skipped
    api.call("PATCH", CONFIGS + "rearrange/", json={"orders": {str(disabled["id"]): -50}})
    assert next(c for c in configs(api) if c["id"] == disabled["id"])["order"] == disabled["order"]
    assert api.call("PATCH", CONFIGS + "rearrange/", json={"orders": {str(first["id"]): "top"}}).status_code == 500
    assert api.call("PATCH", CONFIGS + "rearrange/", json={"orders": {"first": 1}}).status_code == 500
    assert api.call("PATCH", CONFIGS + "rearrange/", json={}).status_code == 200
    assert api.call("GET", CONFIGS + "rearrange/").status_code == 405
    assert configs(api)[0]["id"] == last["id"]


@pytest.mark.profiles("legacy", reason="today's PostHog has no plugin jobs")
def test_job_is_queued_logged_and_recorded(sim):
    config = config_named(sim, "BigQuery Export (EU warehouse)")
    answer = sim.call(
        "POST",
        f"{CONFIGS}{config['id']}/job/",
        json={"job": {"type": "Export historical events V2", "payload": {"dateRange": ["2024-01-01", "2024-01-31"]}}},
    )
    assert answer.status_code == 200 and answer.content == b""
    newest = sim.call("GET", f"{CONFIGS}{config['id']}/logs/?limit=1").json()["results"][0]
    assert newest["source"] == "SYSTEM" and "Export historical events V2" in newest["message"]
    entry = sim.call("GET", f"{CONFIGS}{config['id']}/activity/").json()["results"][0]
    assert entry["activity"] == "job_triggered"
    assert entry["detail"]["changes"][0]["action"] == "Export historical events V2"
    for body in ({"job": {}}, {}, {"job": "go"}):
        bad = sim.call("POST", f"{CONFIGS}{config['id']}/job/", json=body)
        assert bad.status_code == 400 and bad.json()["detail"] == "The job type must be specified!", body
    assert (
        sim.call("POST", f"{CONFIGS}{config['id']}/job/", json={"job": {"type": "x", "payload": []}}).status_code == 500
    )
    assert sim.call("POST", f"{CONFIGS}99999/job/", json={"job": {"type": "x"}}).status_code == 404


@pytest.mark.profiles("current", reason="only today's PostHog has no plugin jobs")
def test_job_is_gone_and_migrate_is_there(sim):
    config = config_named(sim, "BigQuery Export (EU warehouse)")
    gone = sim.call("POST", f"{CONFIGS}{config['id']}/job/", json={"job": {"type": "x"}})
    assert gone.status_code == 404 and gone.json()["detail"] == "Endpoint not found."


@pytest.mark.profiles("legacy", reason="older PostHog has no migrate action")
def test_migrate_is_not_there(sim):
    config = config_named(sim, "HubSpot")
    assert sim.call("POST", f"{CONFIGS}{config['id']}/migrate/").json()["detail"] == "Endpoint not found."


@pytest.mark.profiles("current", reason="only today's PostHog migrates plugin configs into hog functions")
def test_migrate_turns_a_config_into_a_hog_function(simulator, api):
    config = config_named(api, "HubSpot")
    assert config["enabled"] is True
    answer = api.call("POST", f"{CONFIGS}{config['id']}/migrate/")
    assert answer.status_code == 200, answer.text
    function = answer.json()
    assert function["type"] == "destination" and function["name"] == "Hubspot" and function["enabled"] is True
    assert (
        function["template"]["id"] == "template-hubspot" and function["created_by"]["email"] == "dana@hedgehog.example"
    )
    assert function["inputs"]["access_token"] == {"secret": True}  # the config's OAuth token, a secret input
    assert function["inputs"]["email"] == {"value": "{person.properties.email}"}
    assert simulator.state.hog_functions.get(function["id"])["inputs"]["access_token"]["value"]
    assert api.call("GET", f"{CONFIGS}{config['id']}/").json()["enabled"] is False  # the config is disabled
    again = api.call("POST", f"{CONFIGS}{config['id']}/migrate/").json()
    assert again["id"] != function["id"] and again["enabled"] is False
    geoip = config_named(api, "GeoIP")
    refused = api.call("POST", f"{CONFIGS}{geoip['id']}/migrate/")
    assert refused.status_code == 400 and refused.json()["detail"] == "No migration available for this plugin"
    assert api.call("POST", f"{CONFIGS}99999/migrate/").status_code == 404


def test_frontend_is_javascript(simulator, api):
    with_frontend = [c for c in configs(api) if "frontend.tsx" in simulator.state.plugins.get(c["plugin"])["_sources"]]
    without = next(c for c in configs(api) if c not in with_frontend)
    assert with_frontend and "scene" in api.call("GET", f"{CONFIGS}{with_frontend[0]['id']}/frontend/").text
    stub = api.call("GET", f"{CONFIGS}{without['id']}/frontend/")
    assert stub.status_code == 200 and stub.text.startswith("export function getFrontendApp")
    assert stub.headers["Content-Type"].startswith("application/javascript")
    assert '"no_frontend": true' in stub.text


def test_activity_pagination(api):
    config = config_named(api, "Property Filter")
    for n in range(6):
        api.call("PATCH", f"{CONFIGS}{config['id']}/", data=form({**config["config"], "dropEventsMatching": f"^x{n}"}))
    page = api.call("GET", f"{CONFIGS}{config['id']}/activity/?limit=2").json()
    assert len(page["results"]) == 2 and page["total_count"] >= 6 and "page=2" in page["next"]
    assert page["results"][0]["detail"]["changes"] == [
        {"type": "Plugin", "action": "changed", "field": "dropEventsMatching", "before": "^x4", "after": "^x5"}
    ]
    assert api.call("GET", f"{CONFIGS}99999/activity/").status_code == 404


def test_attachments_arrive_as_multipart(simulator, api):
    """PostHog's frontend sends FormData: `config` as JSON text, files as add_attachment[key]."""
    config = config_named(api, "BigQuery Export (EU warehouse)")
    key_file = {"add_attachment[googleCloudKeyJson]": ("key.json", b'{"private_key": "x"}', "application/json")}
    values = {k: v for k, v in config["config"].items() if k != "googleCloudKeyJson"}
    replaced = api.call("PATCH", f"{CONFIGS}{config['id']}/", data=form(values), files=key_file)
    assert replaced.status_code == 200, replaced.text
    stored = simulator.state.plugin_configs.get(config["id"])["_attachments"]["googleCloudKeyJson"]
    assert stored["name"] == "key.json" and stored["size"] == 20
    assert replaced.json()["config"]["googleCloudKeyJson"]["name"] == SECRET_MASK  # a secret attachment shows no name
    assert api.call("GET", f"{CONFIGS}{config['id']}/activity/").json()["results"][0]["activity"] == (
        "attachment_updated"
    )
    without = api.call("PATCH", f"{CONFIGS}{config['id']}/", data={"remove_attachment[googleCloudKeyJson]": "true"})
    assert without.status_code == 200 and "googleCloudKeyJson" not in without.json()["config"]  # removed, unchecked


def test_tick_adds_logs_prunes_a_week_and_drifts_rates(simulator, sim):
    state = simulator.state.plugin_configs
    mobile_id = mobile(sim)
    all_configs = state.all(1) + state.all(mobile_id)
    week_ago = (datetime.now(UTC) - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert any(state.logs(c["id"], before=week_ago) for c in all_configs)
    result = simulator.tick()
    assert result["configs"] == sum(c["enabled"] for c in all_configs) and result["logs_added"] > 0
    assert not any(state.logs(c["id"], before=week_ago) for c in all_configs)
    disabled = next(c for c in all_configs if not c["enabled"])
    # Many more ticks: rates stay in their band, errors come in bursts, disabled configs stay quiet.
    bands = {c["id"]: state.get(c["id"])["_delivery_rate"] for c in all_configs}
    quiet_before = len(state.logs(disabled["id"]))
    added = sum(simulator.tick()["logs_added"] for _ in range(60))
    assert added > 60 * 10
    assert len(state.logs(disabled["id"])) == quiet_before
    for config_id, start in bands.items():
        now = state.get(config_id)["_delivery_rate"]
        if start is None:
            assert now is None
        else:
            assert 0 <= now <= 1 and (start >= 0.99) == (now >= 0.99) and (start < 0.75) == (now < 0.75)
    s3 = state.by_plugin_name("S3 Export")
    recent = state.logs(s3["id"], types=["ERROR"], after=(datetime.now(UTC) - timedelta(minutes=2)).isoformat())
    assert len(recent) >= 4  # at least one burst from a failing config in 60 ticks


def test_state_api(simulator, sim):
    state = simulator.state.plugin_configs
    s3 = state.by_plugin_name("S3 Export")
    assert s3 == state.get(s3["id"]) and s3["_health"] == "failing" and "_attachments" in s3
    assert state.by_name("PII scrubber (GDPR) – hashes emails & IPs")["name"] is not None
    assert {c["team_id"] for c in state.all(1)} == {1}
    state.update(s3["id"], delivery_rate=0.5, health="degraded")
    assert (state.get(s3["id"])["_delivery_rate"], state.get(s3["id"])["_health"]) == (0.5, "degraded")
    if simulator.profile.plugin_config_delivery_rate:
        assert sim.call("GET", f"{CONFIGS}{s3['id']}/").json()["delivery_rate_24h"] == 0.5
    assert state.view(s3["id"]) == sim.call("GET", f"{CONFIGS}{s3['id']}/").json()
    with pytest.raises(KeyError):
        state.update(99999, enabled=False)


# Logs ---------------------------------------------------------------------------------------------------------


def test_logs_shape_and_order(sim):
    config = config_named(sim, "S3 Export")
    page = sim.call("GET", f"{CONFIGS}{config['id']}/logs/?limit=20").json()
    assert len(page["results"]) == 20 and page["previous"] is None
    entry = page["results"][0]
    assert set(entry) == {
        "id",
        "team_id",
        "plugin_id",
        "plugin_config_id",
        "timestamp",
        "source",
        "type",
        "message",
        "instance_id",
    }
    assert entry["plugin_config_id"] == config["id"] and entry["plugin_id"] == config["plugin"]
    stamps = [e["timestamp"] for e in page["results"]]
    assert stamps == sorted(stamps, reverse=True)
    everything = sim.call("GET", f"{CONFIGS}{config['id']}/logs/?limit=1000").json()["results"]
    assert {e["source"] for e in everything} == {"SYSTEM", "PLUGIN", "CONSOLE"}
    assert {e["type"] for e in everything} == {"DEBUG", "LOG", "INFO", "WARN", "ERROR"}
    oldest = datetime.fromisoformat(everything[-1]["timestamp"])
    assert datetime.now(UTC) - oldest > timedelta(days=7)  # a week and a day, until the first tick prunes


@pytest.mark.profiles("current", reason="only today's PostHog pages plugin logs by offset")
def test_logs_fetch_up_to_offset_plus_limit_plus_one(sim):
    """plugin_log_entry.py (newest): fetch_limit = offset + page size + 1, so offset pages work."""
    path = f"{CONFIGS}{config_named(sim, 'S3 Export')['id']}/logs/"
    page = sim.call("GET", path + "?limit=20").json()
    assert page["count"] == 21 and "offset=20" in page["next"]
    second = requests.get(page["next"], headers=sim.headers, timeout=10).json()
    assert second["count"] == 41 and len(second["results"]) == 20 and second["previous"]
    assert second["results"][0]["timestamp"] <= page["results"][-1]["timestamp"]
    assert not {e["id"] for e in second["results"]} & {e["id"] for e in page["results"]}
    assert sim.call("GET", path).json()["count"] == 101  # the default page of 100, and one more
    negative = sim.call("GET", path + "?limit=-1")
    assert negative.status_code == 400 and negative.json()["detail"] == "Query param limit must not be negative!"
    assert sim.call("GET", path + "?offset=x").json()["detail"] == "Query param offset must be omitted or an integer!"


@pytest.mark.profiles("legacy", reason="only older PostHog fetches just `limit` log rows (no offset paging)")
def test_logs_fetch_only_limit_rows(sim):
    """Older plugin_log_entry.py: only `limit` rows are fetched, so next stays null and offsets answer nothing."""
    path = f"{CONFIGS}{config_named(sim, 'S3 Export')['id']}/logs/"
    page = sim.call("GET", path + "?limit=20").json()
    assert page["count"] == 20 and page["next"] is None and len(page["results"]) == 20
    assert sim.call("GET", path + "?limit=20&offset=20").json()["results"] == []
    # Without a limit every row is fetched and DRF pages them by 100; but its `next` names limit=100, so following
    # it fetches 100 rows again and answers an empty page.
    unlimited = sim.call("GET", path).json()
    assert unlimited["count"] > 100 and len(unlimited["results"]) == 100 and "offset=100" in unlimited["next"]
    assert requests.get(unlimited["next"], headers=sim.headers, timeout=10).json()["results"] == []
    assert sim.call("GET", path + "?offset=100").json()["results"]  # without a limit an offset does work
    # Paging back by time works with every version.
    before = sim.call("GET", path, params={"limit": 20, "before": page["results"][-1]["timestamp"]}).json()
    assert before["results"][0]["timestamp"] < page["results"][-1]["timestamp"]


def test_logs_filters(sim):
    config = config_named(sim, "S3 Export")
    path = f"{CONFIGS}{config['id']}/logs/"
    errors = sim.call("GET", path + "?type_filter=ERROR&limit=1000").json()
    assert errors["count"] >= 10 and {e["type"] for e in errors["results"]} == {"ERROR"}
    both = sim.call("GET", path + "?type_filter=ERROR&type_filter=WARN&limit=1000").json()["results"]
    assert {e["type"] for e in both} == {"ERROR", "WARN"}
    word = errors["results"][0]["message"].split()[0].rstrip(":")
    found = sim.call("GET", path, params={"search": word.swapcase(), "limit": 1000}).json()["results"]
    assert found and all(word.lower() in e["message"].lower() for e in found)
    # ILIKE: `_` is any one character and `%` any run of them.
    assert sim.call("GET", path, params={"search": "E_ror%thres", "limit": 1000}).json()["results"]
    assert not sim.call("GET", path, params={"search": "Er-ror", "limit": 1000}).json()["results"]
    middle = errors["results"][len(errors["results"]) // 2]["timestamp"]
    after = sim.call("GET", path, params={"after": middle, "limit": 1000}).json()["results"]
    before = sim.call("GET", path, params={"before": middle, "limit": 1000}).json()["results"]
    assert all(e["timestamp"] > middle for e in after) and all(e["timestamp"] < middle for e in before)
    assert len(after) + len(before) + 1 == len(sim.call("GET", path + "?limit=1000").json()["results"])
    # PostHog's code raises on what it cannot read: a 500.
    assert sim.call("GET", path + "?type_filter=FATAL").status_code == 500
    assert sim.call("GET", path + "?type_filter=ERROR,WARN").status_code == 500  # repeat the parameter instead
    assert sim.call("GET", path + "?after=yesterday").status_code == 500
    bad_limit = sim.call("GET", path + "?limit=ten")
    assert bad_limit.status_code == 400
    assert bad_limit.json()["detail"] == "Query param limit must be omitted or an integer!"


def test_logs_of_other_projects_and_unknown_configs_are_empty(sim):
    other = configs(sim, "mobile")[0]
    assert sim.call("GET", f"{CONFIGS}{other['id']}/logs/").json()["count"] == 0
    assert sim.call("GET", f"/api/projects/{mobile(sim)}/plugin_configs/{other['id']}/logs/").json()["count"] > 0
    assert sim.call("GET", f"{CONFIGS}99999/logs/").json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_logs_added_through_state_share_timestamps(simulator, sim):
    state = simulator.state.plugin_configs
    config = state.by_plugin_name("GeoIP")
    moment = datetime.now(UTC) + timedelta(minutes=1)
    entries = [state.log_entry(config["id"], timestamp=moment, message=f"twin {n}", type="WARN") for n in range(2)]
    state.logs_add(entries + entries)  # stored once each
    newest = sim.call("GET", f"{CONFIGS}{config['id']}/logs/?limit=2").json()["results"]
    assert {e["id"] for e in newest} == {e["id"] for e in entries} and newest[0]["timestamp"] == newest[1]["timestamp"]
    started = datetime.now(UTC)
    ids = state.logs_burst(config["id"], 5000, start=moment + timedelta(minutes=1), spacing_ms=1, type="INFO")
    assert len(ids) == len(set(ids)) == 5000 and (datetime.now(UTC) - started).total_seconds() < 5
    assert len(state.logs(config["id"], after=moment)) == 5000


# App metrics ----------------------------------------------------------------------------------------------------


@pytest.mark.profiles("legacy", reason="today's PostHog has no app metrics")
def test_app_metrics_follow_the_delivery_rate_and_the_error_logs(simulator, sim):
    state = simulator.state.plugin_configs
    s3 = state.by_plugin_name("S3 Export")
    answer = sim.call("GET", f"/api/projects/1/app_metrics/{s3['id']}/?date_from=-24h").json()
    metrics = answer["metrics"]
    assert set(metrics) == {"dates", "successes", "successes_on_retry", "failures", "totals"}
    assert len(metrics["dates"]) in (24, 25) and metrics["dates"][0].endswith(":00:00")  # hourly under two days
    totals = metrics["totals"]
    assert totals == {name: sum(metrics[name]) for name in ("successes", "successes_on_retry", "failures")}
    delivered = totals["successes"] + totals["successes_on_retry"]
    assert abs(delivered / (delivered + totals["failures"]) - s3["_delivery_rate"]) < 0.01
    errors = {e["error_type"]: e for e in answer["errors"]}
    logged = [e for e in state.logs(s3["id"], types=["ERROR"], after=datetime.now(UTC) - timedelta(hours=24))]
    assert sum(e["count"] for e in errors.values()) == len(logged) > 0
    assert all(set(e) == {"error_type", "count", "last_seen"} for e in answer["errors"])
    monthly = sim.call("GET", f"/api/environments/1/app_metrics/{s3['id']}/").json()["metrics"]
    assert len(monthly["dates"]) == 31 and len(monthly["dates"][0]) == len("2024-01-01")
    assert monthly["totals"]["successes"] > totals["successes"]


@pytest.mark.profiles("legacy", reason="today's PostHog has no app metrics")
def test_app_metrics_of_unknown_configs_are_zero(simulator, sim):
    zero = sim.call("GET", "/api/projects/1/app_metrics/99999/").json()
    assert zero["errors"] == [] and zero["metrics"]["totals"] == {
        "successes": 0,
        "successes_on_retry": 0,
        "failures": 0,
    }
    hog = sim.call("GET", "/api/projects/1/app_metrics/hog-0190a8f1/").json()
    assert hog["metrics"]["dates"] == [] and hog["errors"] == []
    geoip = simulator.state.plugin_configs.by_plugin_name("GeoIP")
    wrong_category = sim.call("GET", f"/api/projects/1/app_metrics/{geoip['id']}/?category=onEvent").json()
    assert wrong_category["metrics"]["totals"]["successes"] == 0
    right = sim.call("GET", f"/api/projects/1/app_metrics/{geoip['id']}/?category=processEvent").json()
    assert right["metrics"]["totals"]["successes"] > 0
    bad = sim.call("GET", f"/api/projects/1/app_metrics/{geoip['id']}/?category=everything")
    assert bad.status_code == 400 and bad.json()["attr"] == "category"
    headers = {"Authorization": f"Bearer {READ_ONLY_KEY}"}
    assert requests.get(f"{simulator.url}/api/projects/1/app_metrics/{geoip['id']}/", headers=headers, timeout=10).ok


@pytest.mark.profiles("current", reason="only today's PostHog has no app metrics")
def test_app_metrics_are_gone(sim):
    answer = sim.call("GET", "/api/projects/1/app_metrics/1/")
    assert answer.status_code == 404 and answer.json()["detail"] == "Endpoint not found."
