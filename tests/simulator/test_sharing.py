"""Sharing insights and recordings in the simulator: the lists, configuration, passwords, token refresh, activity."""

import json

import pytest
import requests

from simulator.core.seed import READ_ONLY_KEY


def activity(simulator, **item):
    """Activity the simulator recorded for one insight (or recording) of team 1, newest first."""
    return simulator.state.sharing.activity(1, **item)


CONFIG_KEYS = {"created_at", "enabled", "access_token", "settings", "password_required", "share_passwords"}


def insights(sim, prefix="/api/projects/1"):
    return sim.call("GET", f"{prefix}/insights/").json()["results"]


def recordings(sim, environment="1"):
    """Every recording of the environment: the list holds only the last three days unless date_from says more."""
    path = f"/api/environments/{environment}/session_recordings/?date_from=-90d&limit=100"
    return sim.call("GET", path).json()["results"]


def unshared_insight(sim) -> int:
    """An insight never shared: PostHog has stored no configuration for it."""
    for insight in insights(sim):
        config = sim.call("GET", f"/api/projects/1/insights/{insight['id']}/sharing/").json()
        if config["created_at"] is None:
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

    everything = recordings(sim)
    assert len(everything) == 14 and len(recordings(sim, "102")) == 6
    starts = [r["start_time"] for r in everything]
    assert starts == sorted(starts, reverse=True)
    assert {"id", "start_time", "distinct_id", "recording_duration"} <= set(everything[0])


def test_recordings_list_pages_with_has_next_and_no_count(simulator, sim):
    # session_recording_api.py list_recordings_response: {results, has_next, version}, no count or next URL.
    base = "/api/environments/1/session_recordings/?date_from=-90d"
    page = sim.call("GET", f"{base}&limit=3").json()
    assert set(page) == {"results", "has_next", "version"} and page["version"] == 4
    assert len(page["results"]) == 3 and page["has_next"] is True
    last = sim.call("GET", f"{base}&limit=5&offset=10").json()
    assert len(last["results"]) == 4 and last["has_next"] is False
    assert [r["id"] for r in last["results"]] == [r["id"] for r in recordings(sim)[10:]]
    assert sim.call("GET", "/api/projects/1/session_recordings/?date_from=-90d").json() == sim.call("GET", base).json()
    for number in range(55):
        simulator.state.sharing.recording_add(1, f"bulk-{number:02d}", distinct_id="bulk")
    default = sim.call("GET", "/api/environments/1/session_recordings/").json()
    assert len(default["results"]) == 50 and default["has_next"] is True  # 50 unless `limit` says otherwise


def test_recordings_list_shows_the_last_three_days_unless_asked(simulator, sim):
    # RecordingsQuery.date_from defaults to "-3d".
    everything = simulator.state.sharing.recordings(1)
    recent = sim.call("GET", "/api/environments/1/session_recordings/").json()["results"]
    assert 0 < len(recent) < len(everything) == 14
    assert [r["id"] for r in recent] == [r["id"] for r in everything[: len(recent)]]
    since = everything[5]["start_time"]
    dated = sim.call("GET", f"/api/environments/1/session_recordings/?date_from={since}&limit=100").json()
    assert [r["id"] for r in dated["results"]] == [r["id"] for r in everything[:6]]


def test_recordings_list_filters_and_orders(sim):
    wanted = [r["id"] for r in recordings(sim)[3:5]]
    query = f"date_from=-90d&session_ids={json.dumps(wanted)}"
    found = sim.call("GET", f"/api/environments/1/session_recordings/?{query}").json()["results"]
    assert [r["id"] for r in found] == wanted
    longest = sim.call("GET", "/api/environments/1/session_recordings/?date_from=-90d&order=duration").json()
    durations = [r["recording_duration"] for r in longest["results"]]
    assert durations == sorted(durations, reverse=True)


@pytest.mark.parametrize(
    "query, kind",
    [("limit=abc", "int_parsing"), ("offset=1.5", "int_from_float"), ("order=name", "enum")],
)
def test_recordings_list_refuses_a_query_pydantic_refuses(sim, query, kind):
    answer = sim.call("GET", f"/api/environments/1/session_recordings/?{query}")
    assert answer.status_code == 400 and answer.json()["type"] == "validation_error"
    errors = json.loads(answer.json()["detail"])
    assert errors[0]["type"] == kind and errors[0]["loc"] == [query.split("=")[0]]


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


def test_a_configuration_is_stored_only_once_changed(simulator, sim):
    # SharingConfigurationViewSet._get_sharing_configuration "gets but does not create".
    insight = unshared_insight(sim)
    first = sim.call("GET", f"/api/projects/1/insights/{insight}/sharing/").json()
    assert set(first) == CONFIG_KEYS and first["access_token"] and first["share_passwords"] == []
    assert first["created_at"] is None and first["enabled"] is False and first["password_required"] is False
    again = sim.call("GET", f"/api/environments/1/insights/{insight}/sharing").json()
    assert again["access_token"] != first["access_token"]  # a new unsaved configuration on every read
    assert simulator.state.sharing.sharing(insight_id=insight) is None

    stored = sim.call("PATCH", f"/api/projects/1/insights/{insight}/sharing/", json={}).json()
    assert stored["created_at"] and stored["enabled"] is False
    assert sim.call("GET", f"/api/projects/1/insights/{insight}/sharing/").json() == stored
    assert simulator.state.sharing.sharing(insight_id=insight)["access_token"] == stored["access_token"]


def test_unknown_insight_is_404_but_any_recording_can_be_shared(sim):
    missing = sim.call("GET", "/api/projects/1/insights/99999/sharing/")
    assert missing.status_code == 404 and missing.json()["detail"] == "Insight not found."
    assert sim.call("GET", "/api/projects/1/insights/not-a-number/sharing/").status_code == 404
    other_project = insights(sim, "/api/projects/3")[0]["id"]
    assert sim.call("GET", f"/api/projects/1/insights/{other_project}/sharing/").status_code == 404
    built = sim.call("GET", "/api/environments/1/session_recordings/0190ffff-0000-7000-8000-000000000000/sharing/")
    assert built.status_code == 200 and built.json()["enabled"] is False and built.json()["created_at"] is None


def test_patch_changes_the_configuration_and_logs_insight_activity(simulator, sim):
    insight = unshared_insight(sim)
    base = f"/api/projects/1/insights/{insight}/sharing/"
    changed = sim.call(
        "PATCH", base, json={"enabled": True, "settings": {"legend": True, "bogus": 1, "noHeader": "false"}}
    )
    assert changed.status_code == 200
    assert changed.json()["enabled"] is True and changed.json()["settings"] == {"legend": True, "noHeader": False}
    assert sim.call("GET", base).json() == changed.json()

    entries = activity(simulator, insight_id=insight)
    assert entries[0]["activity"] == "sharing enabled"
    assert entries[0]["detail"]["changes"] == [
        {
            "type": "Insight",
            "action": "changed",
            "field": "sharing",
            "before": None,
            "after": True,
        }
    ]  # only the one change, whatever else the PATCH changed
    assert entries[0]["detail"]["short_id"]
    sim.call("PATCH", base, json={"enabled": False})
    assert activity(simulator, insight_id=insight)[0]["activity"] == "sharing disabled"


@pytest.mark.parametrize(
    "body, attr",
    [
        ({"enabled": "maybe"}, "enabled"),
        ({"password_required": [True]}, "password_required"),
        ({"settings": ["legend"]}, "settings"),
        ({"settings": {"legend": "loud"}}, "settings"),
        ({"enabled": None}, "enabled"),
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
        ({"raw_password": "short"}, "raw_password", "invalid_input"),
        ({"raw_password": "  short   "}, "raw_password", "invalid_input"),  # trimmed first
        ({"raw_password": None}, "raw_password", "null"),
        ({"raw_password": ["long enough"]}, "raw_password", "invalid_input"),
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
    assert after["created_at"] >= before["created_at"] and after["password_required"] is True
    assert [p["note"] for p in after["share_passwords"]] == [p["note"] for p in before["share_passwords"]]
    # rotate_access_token copies the active passwords into the new configuration: new ids
    assert not {p["id"] for p in after["share_passwords"]} & {p["id"] for p in before["share_passwords"]}
    assert sim.call("GET", base + "/").json()["access_token"] == after["access_token"]


def test_refresh_of_unprotected_share_drops_nothing_visible(simulator, sim):
    insight = unshared_insight(sim)
    base = f"/api/projects/1/insights/{insight}/sharing"
    sim.call("PATCH", base + "/", json={"enabled": True})
    after = sim.call("POST", f"{base}/refresh/").json()
    assert after["share_passwords"] == [] and after["enabled"] is True
    assert activity(simulator, insight_id=insight)[0]["activity"] == "access token refreshed"


def test_refresh_stores_an_unsaved_configuration(simulator, sim):
    insight = unshared_insight(sim)
    refreshed = sim.call("POST", f"/api/projects/1/insights/{insight}/sharing/refresh/").json()
    assert refreshed["created_at"] and refreshed["enabled"] is False
    assert sim.call("GET", f"/api/projects/1/insights/{insight}/sharing/").json() == refreshed


def test_only_insight_patches_and_refreshes_are_logged(simulator, sim):
    # posthog/api/sharing.py logs activity for insights only, and not for passwords.
    recording = recordings(sim)[1]["id"]
    base = f"/api/environments/1/session_recordings/{recording}/sharing"
    sim.call("PATCH", base + "/", json={"enabled": True, "password_required": True})
    sim.call("POST", f"{base}/passwords/", json={"note": "for support"})
    sim.call("POST", f"{base}/refresh/")
    assert activity(simulator, recording_id=recording) == []
    insight = unshared_insight(sim)
    insight_base = f"/api/projects/1/insights/{insight}/sharing"
    sim.call("PATCH", insight_base + "/", json={"password_required": True})
    created = sim.call("POST", f"{insight_base}/passwords/", json={"note": "x"}).json()
    sim.call("DELETE", f"{insight_base}/passwords/{created['id']}/")
    assert [e["activity"] for e in activity(simulator, insight_id=insight)] == ["sharing disabled"]


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
