"""Project plugin configs in the simulator: config values and secrets, order, jobs, logs and the living data."""

import random
from datetime import UTC, datetime, timedelta

import requests

from simulator.areas import plugin_configs
from simulator.core.seed import READ_ONLY_KEY

CONFIGS = "/api/projects/1/plugin_configs/"
MASK = "**************"


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
    plugins = sim.call("GET", "/api/organizations/@current/plugins/?limit=500").json()["results"]
    return next(p["id"] for p in plugins if p["name"] == name)


def stored(simulator, config_id: int) -> dict:
    return simulator.simulator.store.get("plugin_config", config_id)


def test_lists_are_ordered_and_varied_in_both_projects(sim):
    for project in (1, "mobile"):
        rows = configs(sim, project)
        assert len(rows) >= 10
        assert [c["order"] for c in rows] == sorted(c["order"] for c in rows)
        assert all(c["team_id"] == (1 if project == 1 else mobile(sim)) for c in rows)
        assert any(not c["enabled"] for c in rows)
        rates = [c["delivery_rate_24h"] for c in rows]
        assert None in rates and any(r is not None and r >= 0.99 for r in rates)
        assert any(r is not None and 0.75 <= r < 0.99 for r in rates) and any(r is not None and r < 0.75 for r in rates)
        assert all(r is None or (isinstance(r, float | int) and 0 <= r <= 1) for r in rates)
    row = configs(sim)[0]
    required = {"config", "created_at", "delivery_rate_24h", "id", "order", "plugin", "plugin_info", "team_id"}
    assert required <= set(row) and row["plugin_info"] is None and isinstance(row["config"], dict)
    assert sim.call("GET", "/api/projects/@current/plugin_configs").json()["count"] == len(configs(sim))


def test_get_masks_secrets_and_shows_attachments(sim):
    config = config_named(sim, "BigQuery Export (EU warehouse)")
    detail = sim.call("GET", f"{CONFIGS}{config['id']}/").json()
    assert detail["plugin_info"]["name"] == "BigQuery Export" and detail["plugin_info"]["id"] == detail["plugin"]
    key_file = detail["config"]["googleCloudKeyJson"]  # a secret attachment
    assert key_file["name"] == MASK and key_file["saved"] is True
    s3 = sim.call("GET", f"{CONFIGS}{config_named(sim, 'S3 Export')['id']}/").json()
    assert s3["config"]["awsAccessKey"] == MASK and s3["config"]["awsSecretAccessKey"] == MASK
    assert s3["config"]["s3BucketName"] == "hedgehog-posthog-events"
    assert isinstance(s3["error"], dict) and s3["error"]["message"]
    assert sim.call("GET", f"{CONFIGS}99999/").status_code == 404
    other = configs(sim, "mobile")[0]
    assert sim.call("GET", f"{CONFIGS}{other['id']}/").status_code == 404  # another project's config
    assert sim.call("GET", f"/api/projects/{mobile(sim)}/plugin_configs/{other['id']}").status_code == 200


def test_patch_keeps_secrets_sent_as_null(simulator, sim):
    config = config_named(sim, "S3 Export")
    secret_before = stored(simulator, config["id"])["config"]["awsSecretAccessKey"]
    values = {**config["config"], "awsAccessKey": None, "awsSecretAccessKey": None, "prefix": "lake/<raw>/"}
    answer = sim.call("PATCH", f"{CONFIGS}{config['id']}/", json={"config": values})
    assert answer.status_code == 200, answer.json()
    assert answer.json()["config"]["awsSecretAccessKey"] == MASK and answer.json()["config"]["prefix"] == "lake/<raw>/"
    assert stored(simulator, config["id"])["config"]["awsSecretAccessKey"] == secret_before
    # A new secret value replaces the stored one and still reads masked.
    sim.call("PATCH", f"{CONFIGS}{config['id']}/", json={"config": {**values, "awsAccessKey": "AKIANEW"}})
    assert stored(simulator, config["id"])["config"]["awsAccessKey"] == "AKIANEW"
    assert sim.call("GET", f"{CONFIGS}{config['id']}/").json()["config"]["awsAccessKey"] == MASK
    entry = sim.call("GET", f"{CONFIGS}{config['id']}/activity/").json()["results"][0]
    assert entry["activity"] == "config_updated" and entry["scope"] == "PluginConfig"
    assert entry["detail"]["changes"] == [
        {"type": "PluginConfig", "action": "changed", "field": "awsAccessKey", "before": MASK, "after": MASK}
    ]


def test_patch_validation(sim):
    s3 = config_named(sim, "S3 Export")
    cases = [
        ({"config": {**s3["config"], "sse": "rot13"}}, "config__sse", "invalid_choice"),
        ({"config": {"awsRegion": "eu-central-1"}}, "config__s3BucketName", "required"),
        ({"config": "a=b"}, "config", "not_a_dict"),
        ({"order": "first"}, "order", "invalid"),
        ({"order": 2**31}, "order", "max_value"),
        ({"enabled": "maybe"}, "enabled", "invalid"),
        ({"filters": [1]}, "filters", "invalid"),
    ]
    for body, attr, code in cases:
        answer = sim.call("PATCH", f"{CONFIGS}{s3['id']}/", json=body)
        assert answer.status_code == 400 and (answer.json()["attr"], answer.json()["code"]) == (attr, code), body
    # required_if: with KMS encryption the key id is required; without it, not.
    values = {k: v for k, v in s3["config"].items() if k != "sseKmsKeyId"}
    assert sim.call("PATCH", f"{CONFIGS}{s3['id']}/", json={"config": values}).json()["attr"] == "config__sseKmsKeyId"
    assert sim.call("PATCH", f"{CONFIGS}{s3['id']}/", json={"config": {**values, "sse": "AES256"}}).status_code == 200
    # A disabled config may be incomplete; enabling it checks the required fields.
    snowflake = config_named(sim, "Snowflake Export")
    assert sim.call("PATCH", f"{CONFIGS}{snowflake['id']}/", json={"config": {"account": "x"}}).status_code == 200
    enable = sim.call("PATCH", f"{CONFIGS}{snowflake['id']}/", json={"enabled": True})
    assert enable.status_code == 400 and enable.json()["attr"].startswith("config__")


def test_enable_disable_and_delete_only_disables(sim):
    config = config_named(sim, "GeoIP")
    assert sim.call("DELETE", f"{CONFIGS}{config['id']}/").status_code == 204
    after = sim.call("GET", f"{CONFIGS}{config['id']}/").json()
    assert after["enabled"] is False and after["deleted"] is False
    assert any(c["id"] == config["id"] for c in configs(sim))
    assert sim.call("GET", f"{CONFIGS}{config['id']}/activity/").json()["results"][0]["activity"] == "disabled"
    enabled = sim.call("PATCH", f"{CONFIGS}{config['id']}/", json={"enabled": True}).json()
    assert enabled["enabled"] is True
    assert sim.call("GET", f"{CONFIGS}{config['id']}/activity/").json()["results"][0]["activity"] == "enabled"
    assert sim.call("DELETE", f"{CONFIGS}abc/").status_code == 404


def test_patch_deleted_hides_from_list(sim):
    config = config_named(sim, "Internal IP Filter")
    answer = sim.call("PATCH", f"{CONFIGS}{config['id']}/", json={"deleted": True}).json()
    assert answer["deleted"] is True and answer["enabled"] is False
    assert all(c["id"] != config["id"] for c in configs(sim))
    assert sim.call("GET", f"{CONFIGS}{config['id']}/").json()["deleted"] is True


def test_create(sim):
    zapier_url = "https://github.com/PostHog/posthog-zapier-plugin"
    plugin = sim.call("POST", "/api/organizations/@current/plugins/", json={"url": zapier_url}).json()
    body = {
        "plugin": plugin["id"],
        "order": 3,
        "enabled": True,
        "name": "Zapier → CRM",
        "config": {"webhookUrl": "https://hooks.zapier.com/hooks/catch/1/abc", "messageFormat": "Plain text"},
    }
    answer = sim.call("POST", CONFIGS, json=body)
    assert answer.status_code == 201, answer.json()
    created = answer.json()
    assert created["config"]["webhookUrl"] == MASK and created["config"]["messageFormat"] == "Plain text"
    assert (
        created["delivery_rate_24h"] is None and created["team_id"] == 1 and created["plugin_info"]["name"] == "Zapier"
    )
    assert created["name"] == "Zapier → CRM" and created["description"] == plugin["description"]
    listed = configs(sim)
    assert any(c["id"] == created["id"] for c in listed)
    assert [c["order"] for c in listed] == sorted(c["order"] for c in listed)
    entry = sim.call("GET", f"{CONFIGS}{created['id']}/activity/").json()["results"][0]
    assert entry["activity"] == "installed" and entry["user"]["email"] == "dana@hedgehog.example"


def test_create_validation(simulator, sim):
    geoip = plugin_id(sim, "GeoIP")
    hidden = next(p["id"] for p in simulator.simulator.store.all("plugin") if p["name"].startswith("Someone Else"))
    cases = [
        ({"order": 1}, "plugin", "required"),
        ({"plugin": 99999, "order": 1}, "plugin", "does_not_exist"),
        ({"plugin": hidden, "order": 1}, "plugin", "does_not_exist"),
        ({"plugin": [1], "order": 1}, "plugin", "incorrect_type"),
        ({"plugin": geoip}, "order", "required"),
        ({"plugin": geoip, "order": 1, "config": []}, "config", "not_a_dict"),
        (
            {"plugin": plugin_id(sim, "S3 Export"), "order": 1, "enabled": True, "config": {}},
            "config__awsAccessKey",
            "required",
        ),
        ({"plugin": geoip, "order": 1, "name": "n" * 401}, "name", "max_length"),
    ]
    for body, attr, code in cases:
        answer = sim.call("POST", CONFIGS, json=body)
        assert answer.status_code == 400 and (answer.json()["attr"], answer.json()["code"]) == (attr, code), body
    # Disabled, an incomplete config is fine.
    assert sim.call("POST", CONFIGS, json={"plugin": plugin_id(sim, "S3 Export"), "order": 1}).status_code == 201


def test_scopes(simulator):
    headers = {"Authorization": f"Bearer {READ_ONLY_KEY}"}
    url = simulator.url + CONFIGS
    assert requests.get(url, headers=headers, timeout=10).status_code == 200
    assert requests.get(url + "1/logs/", headers=headers, timeout=10).status_code == 200
    for method, path in (("POST", ""), ("PATCH", "1/"), ("DELETE", "1/")):
        answer = requests.request(method, url + path, headers=headers, json={}, timeout=10)
        assert answer.status_code == 403 and answer.json()["detail"] == "API key missing required scope 'plugin:write'"


def test_rearrange(sim):
    rows = [c for c in configs(sim) if c["enabled"]]
    first, last = rows[0], rows[-1]
    answer = sim.call(
        "PATCH", CONFIGS + "rearrange/", json={"orders": {str(first["id"]): last["order"] + 10, str(last["id"]): -1}}
    )
    assert answer.status_code == 200
    assert answer.json()[0]["id"] == last["id"] and answer.json()[-1]["id"] == first["id"]
    listed = configs(sim)
    assert listed[0]["id"] == last["id"] and listed[0]["order"] == -1
    assert [c["id"] for c in listed if c["enabled"]][-1] == first["id"]
    entry = sim.call("GET", f"{CONFIGS}{last['id']}/activity/").json()["results"][0]
    assert entry["activity"] == "order_changed" and entry["detail"]["changes"][0]["after"] == -1
    unknown = sim.call("PATCH", CONFIGS + "rearrange/", json={"orders": {"99999": 1}})
    assert unknown.status_code == 400 and unknown.json()["attr"] == "orders"
    other_project = configs(sim, "mobile")[0]["id"]
    assert sim.call("PATCH", CONFIGS + "rearrange", json={"orders": {str(other_project): 1}}).status_code == 400
    bad = sim.call("PATCH", CONFIGS + "rearrange/", json={"orders": {str(first["id"]): "top"}})
    assert bad.json()["attr"] == f"orders__{first['id']}"
    assert sim.call("PATCH", CONFIGS + "rearrange/", json={}).json()["attr"] == "orders"
    assert sim.call("GET", CONFIGS + "rearrange/").status_code == 405
    assert configs(sim)[0]["id"] == last["id"]  # the failed calls changed nothing


def test_job_is_acknowledged_logged_and_recorded(sim):
    config = config_named(sim, "BigQuery Export (EU warehouse)")
    answer = sim.call(
        "POST",
        f"{CONFIGS}{config['id']}/job/",
        json={"job": {"type": "Export historical events V2", "payload": {"dateRange": ["2024-01-01", "2024-01-31"]}}},
    )
    assert answer.status_code == 200 and answer.json() == {"success": True}
    newest = sim.call("GET", f"{CONFIGS}{config['id']}/logs/?limit=1").json()["results"][0]
    assert newest["source"] == "SYSTEM" and "Export historical events V2" in newest["message"]
    entry = sim.call("GET", f"{CONFIGS}{config['id']}/activity/").json()["results"][0]
    assert entry["activity"] == "job_triggered"
    assert entry["detail"]["trigger"]["job_type"] == "Export historical events V2"
    for body, attr in (
        ({"job": {}}, "job__type"),
        ({"job": "go"}, "job"),
        ({}, "job__type"),
        ({"job": {"type": "x", "payload": []}}, "job__payload"),
        ({"job": {"type": "x", "operation": "pause"}}, "job__operation"),
    ):
        bad = sim.call("POST", f"{CONFIGS}{config['id']}/job/", json=body)
        assert bad.status_code == 400 and bad.json()["attr"] == attr, body
    assert sim.call("POST", f"{CONFIGS}99999/job/", json={"job": {"type": "x"}}).status_code == 404


def test_frontend_is_javascript(sim):
    plugins = "/api/organizations/@current/plugins/"
    with_frontend = [
        c for c in configs(sim) if "frontend.tsx" in sim.call("GET", f"{plugins}{c['plugin']}/source/").json()
    ]
    without = next(c for c in configs(sim) if c not in with_frontend)
    assert with_frontend and "scene" in sim.call("GET", f"{CONFIGS}{with_frontend[0]['id']}/frontend/").text
    stub = sim.call("GET", f"{CONFIGS}{without['id']}/frontend/")
    assert stub.status_code == 200 and stub.text.startswith("export function getFrontendApp")
    assert '"no_frontend": true' in stub.text
    plugin = sim.call("POST", plugins, json={"plugin_type": "source", "name": "F"}).json()
    sim.call(
        "PATCH",
        f"{plugins}{plugin['id']}/update_source/",
        json={"frontend.tsx": "export const scene = { title: 'Hi' }\n"},
    )
    config = sim.call("POST", CONFIGS, json={"plugin": plugin["id"], "order": 99}).json()
    code = sim.call("GET", f"{CONFIGS}{config['id']}/frontend").text
    assert "scene" in code and "no_frontend" not in code


def test_logs_shape_order_and_pagination(sim):
    config = config_named(sim, "S3 Export")
    page = sim.call("GET", f"{CONFIGS}{config['id']}/logs/?limit=20").json()
    assert page["count"] > 100 and len(page["results"]) == 20 and "offset=20" in page["next"]
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
    second = requests.get(page["next"], headers=sim.headers, timeout=10).json()
    assert second["results"][0]["timestamp"] <= stamps[-1]
    assert not {e["id"] for e in second["results"]} & {e["id"] for e in page["results"]}
    everything = sim.call("GET", f"{CONFIGS}{config['id']}/logs/?limit=1000").json()["results"]
    assert {e["source"] for e in everything} == {"SYSTEM", "PLUGIN", "CONSOLE"}
    assert {e["type"] for e in everything} == {"DEBUG", "LOG", "INFO", "WARN", "ERROR"}
    oldest = datetime.fromisoformat(everything[-1]["timestamp"])
    assert datetime.now(UTC) - oldest > timedelta(days=7)  # a week and a day, until the first tick prunes


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
    middle = errors["results"][len(errors["results"]) // 2]["timestamp"]
    after = sim.call("GET", path, params={"after": middle, "limit": 1000}).json()["results"]
    before = sim.call("GET", path, params={"before": middle, "limit": 1000}).json()["results"]
    assert all(e["timestamp"] > middle for e in after) and all(e["timestamp"] < middle for e in before)
    assert len(after) + len(before) + 1 == sim.call("GET", path + "?limit=1").json()["count"]
    offset = sim.call("GET", path, params={"after": "2000-01-01T00:00:00+00:00"}).json()["count"]
    assert offset == sim.call("GET", path).json()["count"]
    assert sim.call("GET", path + "?type_filter=FATAL").json()["attr"] == "type_filter"
    assert sim.call("GET", path + "?after=yesterday").json()["attr"] == "after"


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


def test_tick_adds_logs_prunes_a_week_and_drifts_rates(simulator, sim):
    store = simulator.simulator.store
    s3 = config_named(sim, "S3 Export")
    ids = [c["id"] for c in configs(sim)] + [c["id"] for c in configs(sim, "mobile")]
    week_ago = (datetime.now(UTC) - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert any(store.logs_query(plugin_config_id=i, before=week_ago) for i in ids)
    result = requests.post(simulator.url + "/_simulator/tick", timeout=10).json()
    enabled = sum(c["enabled"] for c in configs(sim)) + sum(c["enabled"] for c in configs(sim, "mobile"))
    assert result["configs"] == enabled and result["logs_added"] > 0
    assert not any(store.logs_query(plugin_config_id=i, before=week_ago) for i in ids)
    disabled = next(c for c in configs(sim) if not c["enabled"])
    # Many more ticks: rates stay in their band, errors come in bursts, disabled configs stay quiet.
    rng = random.Random(7)
    bands = {c["id"]: c["delivery_rate_24h"] for c in configs(sim) + configs(sim, "mobile")}
    quiet_before = len(store.logs_query(plugin_config_id=disabled["id"]))
    added = 0
    for _ in range(60):
        with store.transaction():
            added += plugin_configs.live_tick(store, rng)["logs_added"]
    assert added > 60 * 10
    assert len(store.logs_query(plugin_config_id=disabled["id"])) == quiet_before
    for config in configs(sim) + configs(sim, "mobile"):
        start, now = bands[config["id"]], config["delivery_rate_24h"]
        if start is None:
            assert now is None
        else:
            assert 0 <= now <= 1
            assert (start >= 0.99) == (now >= 0.99) and (start < 0.75) == (now < 0.75)
    recent = store.logs_query(
        plugin_config_id=s3["id"],
        types=["ERROR"],
        after=(datetime.now(UTC) - timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    )
    assert len(recent) >= 4  # at least one burst from a failing config in 60 ticks


def test_activity_pagination(sim):
    config = config_named(sim, "GeoIP")
    for order in range(3, 9):
        sim.call("PATCH", f"{CONFIGS}{config['id']}/", json={"order": order})
    page = sim.call("GET", f"{CONFIGS}{config['id']}/activity/?limit=2").json()
    assert len(page["results"]) == 2 and page["total_count"] >= 6 and "page=2" in page["next"]
    assert page["results"][0]["detail"]["changes"] == [
        {"type": "PluginConfig", "action": "changed", "field": "order", "before": 7, "after": 8}
    ]
    assert sim.call("GET", f"{CONFIGS}99999/activity/").status_code == 404


def test_attachments_arrive_as_multipart_with_the_config_as_json_text(sim):
    """PostHog's frontend sends FormData: `config` as JSON text, files as add_attachment[key]."""
    form = {"plugin": str(plugin_id(sim, "BigQuery Export")), "order": "50", "enabled": "true"}
    form["config"] = '{"datasetId": "p.d", "tableId": "events"}'
    key_file = {"add_attachment[googleCloudKeyJson]": ("key.json", b'{"private_key": "x"}', "application/json")}
    created = sim.call("POST", CONFIGS, data=form, files=key_file)
    assert created.status_code == 201, created.text
    config = created.json()
    assert config["config"]["datasetId"] == "p.d" and config["enabled"] is True
    assert config["config"]["googleCloudKeyJson"]["name"] == MASK  # a secret attachment shows no name
    without = sim.call("PATCH", f"{CONFIGS}{config['id']}/", data={"remove_attachment[googleCloudKeyJson]": "true"})
    assert without.status_code == 400 and without.json()["attr"] == "config__googleCloudKeyJson"  # required
    broken = sim.call("PATCH", f"{CONFIGS}{config['id']}/", data={"config": "{not json"}, files=key_file)
    assert broken.status_code == 400 and broken.json()["attr"] == "config"
