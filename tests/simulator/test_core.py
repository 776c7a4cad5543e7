"""The simulator behaves as PostHog does at the edges: auth, scopes, errors, faults, state, request log."""

import time

import pytest
import requests

from simulator.core.seed import DEMO_KEY, PLUGINS_ONLY_KEY, READ_ONLY_KEY
from simulator.core.server import SimulatorServer


def test_missing_and_wrong_keys_are_401(simulator):
    missing = requests.get(f"{simulator.url}/api/projects/")
    assert missing.status_code == 401 and missing.json()["type"] == "authentication_error"
    wrong = requests.get(f"{simulator.url}/api/projects/", headers={"Authorization": "Bearer phx_wrong"})
    assert wrong.status_code == 401 and wrong.json()["detail"] == "Invalid personal API key."


def test_scopes_are_enforced_per_key(simulator):
    answer = requests.get(f"{simulator.url}/api/projects/", headers={"Authorization": f"Bearer {PLUGINS_ONLY_KEY}"})
    assert answer.status_code == 403
    assert answer.json() == {
        "type": "authentication_error",
        "code": "permission_denied",
        "detail": "API key missing required scope 'project:read'",
        "attr": None,
    }
    assert (
        requests.get(f"{simulator.url}/api/projects/", headers={"Authorization": f"Bearer {READ_ONLY_KEY}"}).status_code
        == 200
    )


def test_current_and_optional_trailing_slash(sim):
    with_slash = sim.call("GET", "/api/projects/@current/").json()
    without = sim.call("GET", "/api/projects/1").json()
    assert with_slash == without and with_slash["name"] == "Hedgehog Web"


def test_other_organizations_are_invisible(sim):
    from simulator.core.seed import OTHER_ORGANIZATION_ID

    assert sim.call("GET", f"/api/organizations/{OTHER_ORGANIZATION_ID}/").status_code == 404


def test_unknown_path_is_404_and_wrong_method_is_405(sim):
    assert sim.call("GET", "/api/nothing/here/").json()["code"] == "not_found"
    wrong = sim.call("DELETE", "/api/projects/")
    assert wrong.status_code == 405 and wrong.json()["code"] == "method_not_allowed"


def test_pagination_gives_absolute_urls(sim):
    first = sim.call("GET", "/api/projects/?limit=1").json()
    assert first["count"] == 2 and len(first["results"]) == 1
    assert first["next"].startswith(sim.base_url + "/api/projects/") and "offset=1" in first["next"]
    second = requests.get(first["next"], headers=sim.headers).json()
    assert second["next"] is None and second["previous"].startswith(sim.base_url)
    assert second["results"][0]["id"] != first["results"][0]["id"]


def test_project_secrets_are_masked_in_reads(sim):
    project = sim.call("GET", "/api/projects/1/").json()
    assert project["secret_api_token"].endswith("********") and len(project["secret_api_token"]) == 16


def test_rate_limit_fault_answers_like_posthog(simulator, sim):
    requests.post(f"{simulator.url}/_simulator/faults", json={"rate_limit_per_minute": 2})
    statuses = [sim.call("GET", "/api/projects/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    throttled = sim.call("GET", "/api/projects/")
    assert throttled.json()["type"] == "throttled_error" and "Retry-After" not in throttled.headers
    assert "Expected available in" in throttled.json()["detail"]
    requests.post(f"{simulator.url}/_simulator/faults", json={"retry_after_header": True})
    requests.post(f"{simulator.url}/_simulator/faults", json={"rate_limit_per_minute": 1})
    sim.call("GET", "/api/projects/")
    assert int(sim.call("GET", "/api/projects/").headers["Retry-After"]) > 0


@pytest.mark.parametrize(
    ("faults", "expect"),
    [
        ({"error_rate": 1.0, "error_status": 502}, 502),
        ({"malformed_rate": 1.0}, "malformed"),
        ({"drop_rate": 1.0}, requests.ConnectionError),
        ({"hang_rate": 1.0, "hang_seconds": 2}, requests.Timeout),
    ],
)
def test_faults_switch_on_and_off_at_run_time(simulator, sim, faults, expect):
    requests.post(f"{simulator.url}/_simulator/faults", json=faults).raise_for_status()
    if isinstance(expect, type):
        with pytest.raises(expect):
            sim.get(f"{simulator.url}/api/projects/", timeout=(2, 0.5))
    else:
        answer = sim.call("GET", "/api/projects/")
        if expect == "malformed":
            with pytest.raises(ValueError):
                answer.json()
        else:
            assert answer.status_code == expect and answer.json()["type"] == "server_error"
    requests.delete(f"{simulator.url}/_simulator/faults")
    assert sim.call("GET", "/api/projects/").status_code == 200


def test_latency_fault_slows_answers(simulator, sim):
    requests.post(f"{simulator.url}/_simulator/faults", json={"latency_ms": 300})
    started = time.monotonic()
    sim.call("GET", "/api/projects/")
    assert time.monotonic() - started >= 0.3


def test_unknown_fault_is_refused(simulator):
    answer = requests.post(f"{simulator.url}/_simulator/faults", json={"explode": True})
    assert answer.status_code == 400 and "explode" in answer.json()["detail"]


def test_request_log_records_calls(simulator, sim):
    sim.call("GET", "/api/projects/?limit=1")
    log = requests.get(f"{simulator.url}/_simulator/requests").json()
    assert log[-1]["method"] == "GET" and log[-1]["path"] == "/api/projects/" and log[-1]["status"] == 200
    assert log[-1]["query"] == {"limit": "1"}
    assert simulator.requests()[-1]["path"] == "/api/projects/"


def test_state_survives_a_restart_and_can_be_reset(tmp_path):
    db = str(tmp_path / "sim.sqlite3")
    headers = {"Authorization": f"Bearer {DEMO_KEY}"}
    with SimulatorServer(db_path=db) as first:
        first.state.organizations.projects.rename(1, "Renamed")
    with SimulatorServer(db_path=db) as second:
        assert requests.get(f"{second.url}/api/projects/1/", headers=headers).json()["name"] == "Renamed"
        requests.post(f"{second.url}/_simulator/reset").raise_for_status()
        assert requests.get(f"{second.url}/api/projects/1/", headers=headers).json()["name"] == "Hedgehog Web"


def test_the_scope_wall_refuses_every_scoped_key_and_spares_a_key_without_scopes(simulator):
    """posthog/permissions.py APIScopePermission: an action that declares no scope refuses scoped keys, `*` too."""
    from simulator import KEYS

    path = f"{simulator.url}/api/organizations/@current/projects/1/is_generating_demo_data/"
    answers = {
        name: requests.get(path, headers={"Authorization": f"Bearer {getattr(KEYS, name)}"})
        for name in ("read_only", "unscoped")
    }
    assert answers["read_only"].status_code == 403
    assert answers["read_only"].json() == {
        "type": "authentication_error",
        "code": "permission_denied",
        "detail": "This action does not support personal API key access",
        "attr": None,
    }
    assert answers["unscoped"].status_code == 200
    demo = requests.get(path, headers={"Authorization": f"Bearer {KEYS.demo}"})
    # The current profile's demo key carries `*` and meets the wall; the legacy one predates scopes.
    assert demo.status_code == (403 if simulator.profile.demo_key_scopes else 200)


def test_an_unknown_endpoint_is_answered_before_authentication_as_posthog_does(simulator):
    answer = requests.post(f"{simulator.url}/api/projects/1/plugin_configs/1/no_such_action/")
    assert answer.status_code == 404 and answer.json()["detail"] == "Endpoint not found."


def test_options_tells_whether_an_endpoint_exists_without_running_it(simulator, sim):
    job = sim.call("OPTIONS", "/api/projects/1/plugin_configs/1/job/")
    expected = 200 if simulator.profile.plugin_config_job else 404
    assert job.status_code == expected
    assert sim.call("OPTIONS", "/api/projects/1/plugin_configs/").status_code == 200


def test_control_endpoints_read_json_whatever_the_content_type(simulator):
    """`curl -d '{...}'` sends application/x-www-form-urlencoded: the faults must still be switched."""
    answer = requests.post(
        f"{simulator.url}/_simulator/faults",
        data='{"latency_ms": 5}',
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 200 and answer.json()["latency_ms"] == 5
    bare = requests.post(f"{simulator.url}/_simulator/faults", data=b'{"latency_ms": 7}', headers={"Content-Type": ""})
    assert bare.json()["latency_ms"] == 7
    assert requests.post(f"{simulator.url}/_simulator/faults", data="latency_ms=9").status_code == 400


def test_a_state_file_of_another_profile_starts_again_from_this_profiles_data(tmp_path):
    db = str(tmp_path / "sim.sqlite3")
    with SimulatorServer(profile="legacy", db_path=db) as legacy:
        assert legacy.state.personal_api_keys.scopes(DEMO_KEY) is None
    with SimulatorServer(profile="current", db_path=db) as current:
        assert current.state.personal_api_keys.scopes(DEMO_KEY) == ["*"]


def test_scripted_answers_stand_in_for_one_endpoint_then_stop(simulator, sim):
    simulator.script("GET", r"/api/projects/1/", status=503, body={"detail": "down"}, times=1)
    assert sim.call("GET", "/api/projects/1/").status_code == 503
    assert sim.call("GET", "/api/projects/1/").status_code == 200
