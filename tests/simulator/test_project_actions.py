"""Project actions: token resets and rotations, the conversations widget token, onboarding, the demo-data flag,
answered with the project; and the scope wall that keeps scoped keys out of the token actions."""

import pytest
import requests

from simulator.areas.project_actions import state as project_actions_state
from simulator.areas.project_actions import validation as project_actions_validation
from simulator.core.seed import ORGANIZATION_ID, OTHER_ORGANIZATION_ID, PLUGINS_ONLY_KEY, READ_ONLY_KEY
from simulator.profiles import CURRENT, LEGACY

BASE = f"/api/organizations/{ORGANIZATION_ID}/projects/1"
TOKEN_ACTIONS = [
    ("PATCH", "reset_token"),
    ("PATCH", "rotate_secret_token"),
    ("PATCH", "delete_secret_token_backup"),
    ("POST", "generate_conversations_public_token"),
    ("GET", "is_generating_demo_data"),
]
SCOPE_WALL = {
    "type": "authentication_error",
    "code": "permission_denied",
    "detail": "This action does not support personal API key access",
    "attr": None,
}


def call_as(simulator, key: str, method: str, path: str, **kwargs):
    return requests.request(
        method, simulator.url + path, headers={"Authorization": f"Bearer {key}"}, timeout=10, **kwargs
    )


@pytest.mark.profiles(
    "current", reason="only today's PostHog refuses token actions to personal API keys (the scope wall)"
)
@pytest.mark.parametrize("method, action", TOKEN_ACTIONS)
def test_token_actions_refuse_scoped_keys(sim, simulator, method, action):
    # posthog/api/project.py: these actions declare no scope, and every key made today is scoped (`*` included).
    answer = sim.call(method, f"{BASE}/{action}/", json=None if method == "GET" else {})
    assert answer.status_code == 403 and answer.json() == SCOPE_WALL
    assert call_as(simulator, READ_ONLY_KEY, method, f"{BASE}/{action}/").json() == SCOPE_WALL
    assert simulator.state.project_actions.activity(1) == []


@pytest.mark.profiles("legacy", reason="today's PostHog refuses token rotation to personal API keys (the scope wall)")
def test_rotate_secret_token_shows_the_new_token_once_and_keeps_the_old_one_as_backup(sim, simulator):
    before = simulator.state.organizations.projects.get(1)["secret_api_token"]  # masked, as reads show it
    answer = sim.call("PATCH", f"{BASE}/rotate_secret_token/")
    assert answer.status_code == 200
    rotated = answer.json()
    new_token = rotated["secret_api_token"]
    assert new_token.startswith("phs_") and "*" not in new_token
    assert rotated["secret_api_token_backup"] == before  # the old token, masked as in reads
    assert rotated["id"] == 1 and rotated["organization"] == ORGANIZATION_ID and "uuid" in rotated

    # Later reads mask the new token too.
    read = sim.call("GET", "/api/projects/1/").json()
    assert read["secret_api_token"] == new_token[:8] + "********"
    assert read["secret_api_token_backup"] == before

    change = simulator.state.project_actions.activity(1)[0]["detail"]["changes"][0]
    assert change["field"] == "secret_api_token" and change["action"] == "changed"
    assert new_token not in str(change)  # activity never holds a secret in full


@pytest.mark.profiles("legacy", reason="today's PostHog refuses token backups to personal API keys (the scope wall)")
def test_delete_secret_token_backup_clears_it_and_is_harmless_twice(sim, simulator):
    sim.call("PATCH", f"{BASE}/rotate_secret_token/")
    cleared = sim.call("PATCH", f"{BASE}/delete_secret_token_backup/")
    assert cleared.status_code == 200 and cleared.json()["secret_api_token_backup"] is None
    assert cleared.json()["secret_api_token"].endswith("********")
    assert simulator.state.organizations.projects.get(1)["secret_api_token_backup"] is None
    entries = len(simulator.state.project_actions.activity(1))
    again = sim.call("PATCH", f"{BASE}/delete_secret_token_backup/")
    assert again.status_code == 200 and len(simulator.state.project_actions.activity(1)) == entries


@pytest.mark.profiles("legacy", reason="today's PostHog refuses token rotation to personal API keys (the scope wall)")
def test_rotating_without_any_secret_token_mints_one_in_older_versions(sim, simulator):
    simulator.state.organizations.projects.update(1, secret_api_token=None, secret_api_token_backup=None)
    answer = sim.call("PATCH", f"{BASE}/rotate_secret_token/")
    assert answer.status_code == 200 and answer.json()["secret_api_token"].startswith("phs_")
    assert answer.json()["secret_api_token_backup"] is None


def test_minting_a_first_secret_token_is_refused_in_the_newest_only():
    # posthog/api/integration_config.py validate_secret_token_generation. Over HTTP only an old unscoped key reaches
    # the action in the newest PostHog (scoped keys meet the scope wall), and the simulator seeds none there, so the
    # rule is checked on its own.
    bare = {"secret_api_token": None, "secret_api_token_backup": None, "conversations_enabled": False}
    assert project_actions_state.secret_token_generation_refused(CURRENT, bare) is True
    assert project_actions_state.secret_token_generation_refused(LEGACY, bare) is False
    for kept in ({"secret_api_token": "phs_x"}, {"secret_api_token_backup": "phs_y"}, {"conversations_enabled": True}):
        assert project_actions_state.secret_token_generation_refused(CURRENT, {**bare, **kept}) is False
    assert project_actions_validation.secret_token_refused().body() == {
        "type": "validation_error",
        "code": "invalid_input",
        "detail": "The feature flags secure API key is deprecated. Create a project secret API key with the "
        "feature_flag:read scope instead.",
        "attr": None,
    }


@pytest.mark.profiles("legacy", reason="today's PostHog refuses token resets to personal API keys (the scope wall)")
def test_reset_token_gives_a_new_public_token_that_reads_and_the_environment_see(sim, simulator):
    old = sim.call("GET", "/api/projects/1/").json()["api_token"]
    answer = sim.call("PATCH", f"{BASE}/reset_token/").json()
    assert answer["api_token"].startswith("phc_") and answer["api_token"] != old
    assert sim.call("GET", "/api/projects/1/").json()["api_token"] == answer["api_token"]
    assert sim.call("GET", "/api/environments/1/").json()["api_token"] == answer["api_token"]
    assert sim.call("GET", "/api/environments/1/").json()["name"] == "Production"
    change = simulator.state.project_actions.activity(1)[0]["detail"]["changes"][0]
    assert change == {
        "type": "Team",
        "action": "changed",
        "field": "api_token",
        "before": old,
        "after": answer["api_token"],
    }


@pytest.mark.profiles(
    "legacy", reason="today's PostHog refuses conversations tokens to personal API keys (the scope wall)"
)
def test_generate_conversations_public_token_lives_in_conversations_settings(sim, simulator):
    assert "conversations_public_token" not in sim.call("GET", "/api/projects/1/").json()
    first = sim.call("POST", f"{BASE}/generate_conversations_public_token/")
    assert first.status_code == 200
    project = first.json()
    token = project["conversations_settings"]["widget_public_token"]
    assert token.startswith("phc_") and "conversations_public_token" not in project
    assert project["id"] == 1 and project["name"] == "Hedgehog Web"  # the whole project
    second = sim.call("POST", f"{BASE}/generate_conversations_public_token/").json()
    assert second["conversations_settings"]["widget_public_token"] not in (None, token)
    read = sim.call("GET", "/api/projects/1/").json()
    assert read["conversations_settings"] == second["conversations_settings"]
    change = simulator.state.project_actions.activity(1)[0]["detail"]["changes"][0]
    assert change["field"] == "conversations_settings.widget_public_token" and change["action"] == "changed"
    assert token not in str(change) and change["before"] == f"{token[:4]}...{token[-4:]}"


def test_no_answer_carries_a_top_level_conversations_token(sim, simulator):
    assert all("conversations_public_token" not in p for p in sim.call("GET", "/api/projects/").json()["results"])
    assert "conversations_public_token" not in sim.call("GET", "/api/environments/1/").json()
    assert "conversations_public_token" not in simulator.state.organizations.projects.get(1)


def test_complete_product_onboarding_marks_the_product(sim, simulator):
    answer = sim.call("PATCH", f"{BASE}/complete_product_onboarding/", json={"product_type": "session_replay"})
    assert answer.status_code == 200
    assert answer.json()["has_completed_onboarding_for"] == {"product_analytics": True, "session_replay": True}
    assert [i["product_type"] for i in answer.json()["product_intents"]] == ["session_replay"]
    stored = simulator.state.organizations.projects.get(1)
    assert stored["has_completed_onboarding_for"]["session_replay"] is True
    assert simulator.state.project_actions.activity(1)[0]["detail"]["changes"][0]["field"] == (
        "has_completed_onboarding_for"
    )


def test_complete_product_onboarding_needs_a_known_product_type(sim):
    missing = sim.call("PATCH", f"{BASE}/complete_product_onboarding/", json={})
    assert missing.status_code == 400 and missing.json() == {"error": "product_type is required"}
    unknown = sim.call("PATCH", f"{BASE}/complete_product_onboarding/", json={"product_type": "hedgehogs"})
    assert unknown.status_code == 400 and unknown.json()["error"].startswith("invalid product_type, expected one of")


@pytest.mark.profiles(
    "legacy", reason="today's PostHog refuses is_generating_demo_data to personal API keys (the scope wall)"
)
def test_is_generating_demo_data(sim, simulator):
    answer = sim.call("GET", f"{BASE}/is_generating_demo_data")
    assert answer.status_code == 200 and answer.json() == {"is_generating_demo_data": False}
    simulator.state.organizations.projects.update(1, is_generating_demo_data=True)
    assert sim.call("GET", f"{BASE}/is_generating_demo_data").json() == {"is_generating_demo_data": True}
    assert simulator.state.project_actions.generating_demo_data(1) is True
    assert "is_generating_demo_data" not in sim.call("GET", "/api/projects/1/").json()  # PostHog's cache only
    simulator.state.project_actions.set_generating_demo_data(1, False)
    assert sim.call("GET", f"{BASE}/is_generating_demo_data").json() == {"is_generating_demo_data": False}


@pytest.mark.profiles("legacy", reason="today's PostHog refuses token actions to personal API keys (the scope wall)")
def test_current_organization_and_unknown_projects(sim):
    assert sim.call("GET", "/api/organizations/@current/projects/@current/is_generating_demo_data/").status_code == 200
    assert sim.call("PATCH", f"/api/organizations/{ORGANIZATION_ID}/projects/999/reset_token/").status_code == 404
    other = sim.call("PATCH", f"/api/organizations/{OTHER_ORGANIZATION_ID}/projects/1/reset_token/")
    assert other.status_code == 404 and other.json()["code"] == "not_found"
    assert sim.call("GET", f"{BASE}/reset_token/").status_code == 405


def test_complete_product_onboarding_needs_the_project_read_scope(simulator):
    answer = call_as(
        simulator, PLUGINS_ONLY_KEY, "PATCH", f"{BASE}/complete_product_onboarding/", json={"product_type": "surveys"}
    )
    assert answer.status_code == 403 and "project:read" in answer.json()["detail"]
    allowed = call_as(
        simulator, READ_ONLY_KEY, "PATCH", f"{BASE}/complete_product_onboarding/", json={"product_type": "surveys"}
    )
    assert allowed.status_code == 200
