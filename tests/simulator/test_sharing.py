"""Sharing insights and recordings in the simulator: configuration, passwords, token refresh, activity."""

import pytest
import requests

from simulator.core.seed import READ_ONLY_KEY


def activity(simulator, scope, item_id):
    """Activity the simulator recorded for one item of team 1, newest first."""
    return simulator.simulator.store.activity_list(scope=scope, parent=1, item_id=item_id)


CONFIG_KEYS = {"created_at", "enabled", "access_token", "settings", "password_required", "share_passwords"}


def insights(sim, prefix="/api/projects/1"):
    return sim.call("GET", f"{prefix}/insights/").json()["results"]


def recordings(sim, environment="1"):
    return sim.call("GET", f"/api/environments/{environment}/session_recordings/").json()["results"]


def unshared_insight(sim) -> int:
    for insight in insights(sim):
        config = sim.call("GET", f"/api/projects/1/insights/{insight['id']}/sharing/").json()
        if not config["enabled"] and not config["password_required"]:
            return insight["id"]
    raise AssertionError("no unshared insight in the demo data")


def sharing_bases(sim) -> list[str]:
    insight = insights(sim)[0]["id"]
    recording = recordings(sim)[0]["id"]
    return [
        f"/api/projects/1/insights/{insight}/sharing",
        f"/api/environments/1/insights/{insight}/sharing",
        f"/api/environments/1/session_recordings/{recording}/sharing",
    ]


def test_lists_of_what_can_be_shared(sim):
    page = sim.call("GET", "/api/projects/1/insights/?limit=5").json()
    assert page["count"] == 16 and len(page["results"]) == 5 and page["next"].startswith(sim.base_url)
    first = page["results"][0]
    assert isinstance(first["id"], int) and len(first["short_id"]) == 8 and "name" in first
    assert any(i["name"] is None and i["derived_name"] for i in insights(sim))
    assert sim.call("GET", "/api/environments/@current/insights/").json()["count"] == 16
    assert sim.call("GET", "/api/projects/3/insights/").json()["count"] == 6

    recording_page = sim.call("GET", "/api/environments/1/session_recordings/?limit=3").json()
    assert recording_page["count"] == 14 and len(recording_page["results"]) == 3
    starts = [r["start_time"] for r in recordings(sim)]
    assert starts == sorted(starts, reverse=True)
    assert {"id", "start_time", "distinct_id", "recording_duration"} <= set(recording_page["results"][0])
    assert len(recordings(sim, "102")) == 6


def test_demo_data_has_shares_with_and_without_passwords(sim):
    configs = [sim.call("GET", f"/api/projects/1/insights/{i['id']}/sharing/").json() for i in insights(sim)]
    assert any(c["enabled"] and c["share_passwords"] for c in configs)
    assert any(c["enabled"] and not c["password_required"] for c in configs)
    assert any(not c["enabled"] for c in configs)
    protected = next(c for c in configs if c["share_passwords"])
    assert all(
        set(p) == {"id", "created_at", "note", "created_by_email", "is_active"} and p["is_active"]
        for p in protected["share_passwords"]
    )


def test_first_read_creates_a_stable_configuration(sim):
    insight = unshared_insight(sim)
    first = sim.call("GET", f"/api/projects/1/insights/{insight}/sharing/").json()
    assert set(first) == CONFIG_KEYS and first["access_token"] and first["share_passwords"] == []
    again = sim.call("GET", f"/api/environments/1/insights/{insight}/sharing").json()
    assert again == first


def test_unknown_insight_is_404_but_any_recording_can_be_shared(sim):
    missing = sim.call("GET", "/api/projects/1/insights/99999/sharing/")
    assert missing.status_code == 404 and missing.json()["detail"] == "Insight not found."
    assert sim.call("GET", "/api/projects/1/insights/not-a-number/sharing/").status_code == 404
    other_project = insights(sim, "/api/projects/3")[0]["id"]
    assert sim.call("GET", f"/api/projects/1/insights/{other_project}/sharing/").status_code == 404
    built = sim.call("GET", "/api/environments/1/session_recordings/0190ffff-0000-7000-8000-000000000000/sharing/")
    assert built.status_code == 200 and built.json()["enabled"] is False


def test_patch_changes_the_configuration_and_logs_insight_activity(simulator, sim):
    insight = unshared_insight(sim)
    base = f"/api/projects/1/insights/{insight}/sharing/"
    changed = sim.call(
        "PATCH", base, json={"enabled": True, "settings": {"legend": True, "bogus": 1, "noHeader": "false"}}
    )
    assert changed.status_code == 200
    assert changed.json()["enabled"] is True and changed.json()["settings"] == {"legend": True, "noHeader": False}
    assert sim.call("GET", base).json() == changed.json()

    entries = activity(simulator, "Insight", insight)
    assert entries[0]["activity"] == "sharing enabled"
    assert entries[0]["detail"]["changes"][0] == {
        "type": "Insight",
        "action": "changed",
        "field": "sharing",
        "before": None,
        "after": True,
    }
    assert entries[0]["detail"]["short_id"]
    sim.call("PATCH", base, json={"enabled": False})
    assert activity(simulator, "Insight", insight)[0]["activity"] == "sharing disabled"


@pytest.mark.parametrize(
    "body, attr",
    [
        ({"enabled": "maybe"}, "enabled"),
        ({"password_required": [True]}, "password_required"),
        ({"settings": ["legend"]}, "settings"),
        ({"settings": {"legend": "loud"}}, "settings"),
    ],
)
def test_patch_validates(sim, body, attr):
    answer = sim.call("PATCH", sharing_bases(sim)[0] + "/", json=body)
    assert answer.status_code == 400 and answer.json()["type"] == "validation_error" and answer.json()["attr"] == attr


def test_passwords_need_password_protection_first(sim):
    insight = unshared_insight(sim)
    base = f"/api/environments/1/insights/{insight}/sharing"
    refused = sim.call("POST", f"{base}/passwords/", json={"raw_password": "correct horse", "note": "x"})
    assert refused.status_code == 400
    assert refused.json() == {"error": "Password protection must be enabled before creating passwords"}


@pytest.mark.parametrize("which", [0, 1, 2])
def test_password_lifecycle(sim, which):
    base = sharing_bases(sim)[which]
    sim.call("PATCH", base + "/", json={"enabled": True, "password_required": True})
    created = sim.call("POST", f"{base}/passwords/", json={"raw_password": "s3cret-hedgehog", "note": "Für <b>Q4</b>"})
    assert created.status_code == 201
    body = created.json()
    assert body["password"] == "s3cret-hedgehog" and body["note"] == "Für <b>Q4</b>"
    assert body["created_by_email"] == "dana@hedgehog.example"
    generated = sim.call("POST", f"{base}/passwords/", json={}).json()
    assert len(generated["password"]) >= 16 and generated["note"] == ""

    listed = sim.call("GET", base + "/").json()["share_passwords"]
    assert {body["id"], generated["id"]} <= {p["id"] for p in listed}
    assert all("password" not in p and "password_hash" not in p for p in listed)

    assert sim.call("DELETE", f"{base}/passwords/{body['id']}/").status_code == 204
    after = sim.call("GET", base).json()["share_passwords"]
    assert body["id"] not in {p["id"] for p in after} and generated["id"] in {p["id"] for p in after}
    again = sim.call("DELETE", f"{base}/passwords/{body['id']}/")
    assert again.status_code == 404 and again.json()["detail"] == "Password not found"
    assert sim.call("DELETE", f"{base}/passwords/987654/").status_code == 404


@pytest.mark.parametrize(
    "body, attr, code",
    [
        ({"raw_password": "short"}, "raw_password", "invalid"),
        ({"note": "n" * 101}, "note", "max_length"),
    ],
)
def test_password_validation(sim, body, attr, code):
    base = sharing_bases(sim)[0]
    sim.call("PATCH", base + "/", json={"password_required": True})
    answer = sim.call("POST", f"{base}/passwords/", json=body)
    assert answer.status_code == 400 and (answer.json()["attr"], answer.json()["code"]) == (attr, code)


@pytest.mark.parametrize("which", [0, 2])
def test_refresh_issues_a_new_token_and_keeps_passwords(sim, which):
    base = sharing_bases(sim)[which]
    sim.call("PATCH", base + "/", json={"enabled": True, "password_required": True})
    sim.call("POST", f"{base}/passwords/", json={"raw_password": "long enough", "note": "kept"})
    before = sim.call("GET", base + "/").json()
    refreshed = sim.call("POST", f"{base}/refresh/")
    assert refreshed.status_code == 200
    after = refreshed.json()
    assert after["access_token"] != before["access_token"] and after["enabled"] is True
    assert after["created_at"] >= before["created_at"]
    assert [p["note"] for p in after["share_passwords"]] == [p["note"] for p in before["share_passwords"]]
    assert sim.call("GET", base + "/").json()["access_token"] == after["access_token"]


def test_refresh_of_unprotected_share_drops_nothing_visible(simulator, sim):
    insight = unshared_insight(sim)
    base = f"/api/projects/1/insights/{insight}/sharing"
    sim.call("PATCH", base + "/", json={"enabled": True})
    after = sim.call("POST", f"{base}/refresh/").json()
    assert after["share_passwords"] == [] and after["enabled"] is True
    assert activity(simulator, "Insight", insight)[0]["activity"] == "access token refreshed"


def test_recording_writes_are_logged_under_replay(simulator, sim):
    recording = recordings(sim)[1]["id"]
    base = f"/api/environments/1/session_recordings/{recording}/sharing"
    sim.call("PATCH", base + "/", json={"enabled": True, "password_required": True})
    sim.call("POST", f"{base}/passwords/", json={"note": "for support"})
    names = [e["activity"] for e in activity(simulator, "Replay", recording)]
    assert names == ["share password created", "sharing enabled"]


def test_read_only_key_reads_but_cannot_write(simulator, sim):
    base = sharing_bases(sim)[0]
    headers = {"Authorization": f"Bearer {READ_ONLY_KEY}"}
    assert requests.get(simulator.url + base + "/", headers=headers).status_code == 200
    for method, suffix in [("PATCH", "/"), ("POST", "/refresh/"), ("POST", "/passwords/"), ("DELETE", "/passwords/1/")]:
        denied = requests.request(method, simulator.url + base + suffix, headers=headers, json={})
        assert denied.status_code == 403, (method, suffix)
        assert denied.json()["detail"] == "API key missing required scope 'sharing_configuration:write'"


def test_wrong_method_is_405(sim):
    base = sharing_bases(sim)[0]
    assert sim.call("DELETE", base + "/").status_code == 405
    assert sim.call("GET", base + "/refresh/").status_code == 405
