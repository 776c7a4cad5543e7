"""Project actions: token resets and rotations, onboarding, demo-data flag, answered as the project."""

import requests

from simulator.core.seed import ORGANIZATION_ID, OTHER_ORGANIZATION_ID, PLUGINS_ONLY_KEY

BASE = f"/api/organizations/{ORGANIZATION_ID}/projects/1"


def team_activity(simulator):
    return simulator.simulator.store.activity_list(scope="Team", parent=1, item_id=1)


def test_rotate_secret_token_shows_the_new_token_once_and_keeps_the_old_one_as_backup(sim, simulator):
    before = simulator.simulator.store.get("project", 1)["secret_api_token"]
    answer = sim.call("PATCH", f"{BASE}/rotate_secret_token/")
    assert answer.status_code == 200
    rotated = answer.json()
    new_token = rotated["secret_api_token"]
    assert new_token.startswith("phs_") and "*" not in new_token and new_token != before
    assert rotated["secret_api_token_backup"] == before[:8] + "********"  # masked, as in reads
    assert rotated["id"] == 1 and rotated["organization"] == ORGANIZATION_ID and "uuid" in rotated

    # Later reads mask the new token too.
    read = sim.call("GET", "/api/projects/1/").json()
    assert read["secret_api_token"] == new_token[:8] + "********"
    stored = simulator.simulator.store.get("project", 1)
    assert stored["secret_api_token"] == new_token and stored["secret_api_token_backup"] == before

    change = team_activity(simulator)[0]["detail"]["changes"][0]
    assert change["field"] == "secret_api_token" and change["action"] == "changed"
    assert new_token not in str(change)  # activity never holds a secret in full


def test_delete_secret_token_backup_clears_it_and_is_harmless_twice(sim, simulator):
    sim.call("PATCH", f"{BASE}/rotate_secret_token/")
    cleared = sim.call("PATCH", f"{BASE}/delete_secret_token_backup/")
    assert cleared.status_code == 200 and cleared.json()["secret_api_token_backup"] is None
    assert cleared.json()["secret_api_token"].endswith("********")
    assert simulator.simulator.store.get("project", 1)["secret_api_token_backup"] is None
    entries = len(team_activity(simulator))
    again = sim.call("PATCH", f"{BASE}/delete_secret_token_backup/")
    assert again.status_code == 200 and len(team_activity(simulator)) == entries


def test_reset_token_gives_a_new_public_token_that_reads_and_the_environment_see(sim, simulator):
    old = sim.call("GET", "/api/projects/1/").json()["api_token"]
    answer = sim.call("PATCH", f"{BASE}/reset_token/").json()
    assert answer["api_token"].startswith("phc_") and answer["api_token"] != old
    assert sim.call("GET", "/api/projects/1/").json()["api_token"] == answer["api_token"]
    assert sim.call("GET", "/api/environments/1/").json()["api_token"] == answer["api_token"]
    change = team_activity(simulator)[0]["detail"]["changes"][0]
    assert change == {
        "type": "Team",
        "action": "changed",
        "field": "api_token",
        "before": old,
        "after": answer["api_token"],
    }


def test_generate_conversations_public_token(sim, simulator):
    first = sim.call("POST", f"{BASE}/generate_conversations_public_token/")
    assert first.status_code == 200 and first.json()["conversations_public_token"]
    second = sim.call("POST", f"{BASE}/generate_conversations_public_token/").json()
    assert second["conversations_public_token"] != first.json()["conversations_public_token"]
    assert team_activity(simulator)[0]["detail"]["changes"][0]["field"] == "conversations_public_token"


def test_complete_product_onboarding_marks_the_product(sim, simulator):
    answer = sim.call("PATCH", f"{BASE}/complete_product_onboarding/", json={"product_type": "session_replay"})
    assert answer.status_code == 200
    assert answer.json()["has_completed_onboarding_for"] == {"product_analytics": True, "session_replay": True}
    assert [i["product_type"] for i in answer.json()["product_intents"]] == ["session_replay"]
    stored = simulator.simulator.store.get("project", 1)
    assert stored["has_completed_onboarding_for"]["session_replay"] is True
    assert team_activity(simulator)[0]["detail"]["changes"][0]["field"] == "has_completed_onboarding_for"


def test_complete_product_onboarding_needs_a_known_product_type(sim):
    missing = sim.call("PATCH", f"{BASE}/complete_product_onboarding/", json={})
    assert missing.status_code == 400 and missing.json() == {"error": "product_type is required"}
    unknown = sim.call("PATCH", f"{BASE}/complete_product_onboarding/", json={"product_type": "hedgehogs"})
    assert unknown.status_code == 400 and unknown.json()["error"].startswith("invalid product_type")


def test_is_generating_demo_data(sim):
    answer = sim.call("GET", f"{BASE}/is_generating_demo_data")
    assert answer.status_code == 200 and answer.json() == {"is_generating_demo_data": False}


def test_current_organization_and_unknown_projects(sim):
    assert sim.call("GET", "/api/organizations/@current/projects/@current/is_generating_demo_data/").status_code == 200
    assert sim.call("PATCH", f"/api/organizations/{ORGANIZATION_ID}/projects/999/reset_token/").status_code == 404
    other = sim.call("PATCH", f"/api/organizations/{OTHER_ORGANIZATION_ID}/projects/1/reset_token/")
    assert other.status_code == 404 and other.json()["code"] == "not_found"
    assert sim.call("GET", f"{BASE}/reset_token/").status_code == 405


def test_complete_product_onboarding_needs_the_project_read_scope(simulator):
    answer = requests.patch(
        f"{simulator.url}{BASE}/complete_product_onboarding/",
        json={"product_type": "surveys"},
        headers={"Authorization": f"Bearer {PLUGINS_ONLY_KEY}"},
        timeout=10,
    )
    assert answer.status_code == 403 and "project:read" in answer.json()["detail"]
