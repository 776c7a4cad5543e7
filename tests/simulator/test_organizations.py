"""Navigation: organizations, projects, environments and the key's user, as each PostHog version answers them."""

import pytest
import requests

from simulator.core.seed import ORGANIZATION_ID, PLUGINS_ONLY_KEY, READ_ONLY_KEY
from simulator.profiles import PROFILES


def call_as(simulator, key: str, path: str):
    return requests.get(simulator.url + path, headers={"Authorization": f"Bearer {key}"}, timeout=10)


def test_organization_carries_its_projects_teams_and_plugin_access_level(sim, simulator):
    listed = sim.call("GET", "/api/organizations/").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == ORGANIZATION_ID
    organization = sim.call("GET", "/api/organizations/@current/").json()
    assert organization["plugins_access_level"] == PROFILES[simulator.profile.name].plugins_access_level
    assert [p["name"] for p in organization["projects"]] == ["Hedgehog Web", "Hedgehog Mobile"]
    assert {t["name"] for t in organization["teams"]} == {"Production", "Development"}
    assert simulator.state.organizations.organization() == organization


def test_projects_and_environments_by_id(sim):
    projects = sim.call("GET", "/api/projects/").json()["results"]
    assert [p["id"] for p in projects] == [1, 3]
    project = sim.call("GET", "/api/projects/1/").json()
    assert project["secret_api_token"].endswith("********") and "conversations_public_token" not in project
    assert sim.call("GET", f"/api/organizations/{ORGANIZATION_ID}/projects/1/").json() == project
    assert sim.call("GET", "/api/environments/1/").json()["name"] == "Production"
    assert sim.call("GET", "/api/environments/2/").status_code == 404


@pytest.mark.profiles("current", reason="only today's PostHog refuses the environments list")
def test_the_environments_list_is_gone_in_the_newest(sim, simulator):
    # posthog/api/project.py ProjectEnvironmentsViewSet.initial
    answer = sim.call("GET", "/api/projects/1/environments/")
    assert answer.status_code == 403
    assert answer.json() == {
        "type": "authentication_error",
        "code": "permission_denied",
        "detail": "Multiple environments per project are no longer available. Please contact support if you need "
        "assistance.",
        "attr": None,
    }
    assert call_as(simulator, READ_ONLY_KEY, "/api/projects/1/environments/").status_code == 403
    # Environments stay reachable one by one, and through the organization's teams.
    assert [e["name"] for e in simulator.state.organizations.environments(1)] == ["Production", "Development"]


@pytest.mark.profiles("legacy", reason="today's PostHog refuses the environments list")
def test_the_environments_list_in_older_versions(sim):
    page = sim.call("GET", "/api/projects/1/environments/").json()
    assert [e["name"] for e in page["results"]] == ["Production", "Development"]
    assert all(e["project_id"] == 1 for e in page["results"])
    assert sim.call("GET", "/api/projects/3/environments/").json()["count"] == 1


def test_users_me_needs_user_read(sim, simulator):
    me = sim.call("GET", "/api/users/@me/").json()
    assert me["email"] == "dana@hedgehog.example" and me["organization"]["id"] == ORGANIZATION_ID
    for key in (READ_ONLY_KEY, PLUGINS_ONLY_KEY):
        denied = call_as(simulator, key, "/api/users/@me/")
        assert denied.status_code == 403 and denied.json()["detail"] == "API key missing required scope 'user:read'"


def test_state_updates_and_renames_projects(sim, simulator):
    projects = simulator.state.organizations.projects
    renamed = projects.rename(1, "Hedgehog Web – renamed")
    assert renamed["name"] == "Hedgehog Web – renamed"
    assert sim.call("GET", "/api/projects/1/").json()["name"] == "Hedgehog Web – renamed"
    assert sim.call("GET", "/api/environments/1/").json()["name"] == "Production"  # the environment keeps its own
    organization = sim.call("GET", "/api/organizations/@current/").json()
    assert organization["projects"][0]["name"] == "Hedgehog Web – renamed"

    updated = projects.update(1, timezone="Asia/Tokyo", is_generating_demo_data=True)
    assert updated["timezone"] == "Asia/Tokyo" and updated["is_generating_demo_data"] is True
    assert sim.call("GET", "/api/environments/1/").json()["timezone"] == "Asia/Tokyo"  # the same team
    assert "is_generating_demo_data" not in sim.call("GET", "/api/projects/1/").json()
    assert [p["id"] for p in projects.all()] == [1, 3]
    with pytest.raises(KeyError):
        projects.get(999)
