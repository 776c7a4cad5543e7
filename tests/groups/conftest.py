"""What the groups tests share: the simulator's demo groups, and reading them back from it."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from apps.groups.links import group_url

HTMX = {"HTTP_HX_REQUEST": "true"}
GROUPS = "/api/projects/1/groups/"

# Seed facts (simulator/areas/groups.py): 40 companies (type 0) and 40 workspaces (type 1) in project 1.
COMPANY, WORKSPACE = 0, 1
ACME = "acme-robotics"  # activity: plan startup -> scale, seats 25 -> 40
INITECH = "initech"
BOLD = "b-bold-b-ventures"  # named "<b>Bold</b> Ventures"
STARK = "stark-logistics"  # has the long description


def text(response) -> str:
    return response.content.decode()


def sim_group(sim, key: str, type_index: int = COMPANY, base: str = GROUPS) -> dict | None:
    answer = sim.call("GET", f"{base}find/", params={"group_type_index": type_index, "group_key": key})
    return answer.json() if answer.status_code == 200 else None


def detail(key: str, type_index: int = COMPANY) -> str:
    return group_url("groups:detail", type_index=type_index, key=key)


def edit(key: str, prop: str, type_index: int = COMPANY) -> str:
    return group_url("groups:property_edit", type_index=type_index, key=key, property=prop)


def delete(key: str, prop: str, type_index: int = COMPANY) -> str:
    return group_url("groups:property_delete", type_index=type_index, key=key, property=prop)


def add(key: str, type_index: int = COMPANY) -> str:
    return group_url("groups:property_add", type_index=type_index, key=key)


def served(simulator, method: str, path_start: str) -> list[dict]:
    return simulator.requests(method=method, path_prefix=path_start)


def add_group_type(simulator, index: int, singular: str, plural: str) -> None:
    """A group type no event has named a group of yet (PostHog's API cannot create one)."""
    simulator.state.groups.group_type_add(1, index, singular, plural)
    # Made by other hands than the portal's: pages show it once the kept list of types expires; tests do not wait.
    cache.clear()


@pytest.fixture
def development(simulator) -> int:
    """The id of project 1's second environment, whose groups are its own (newer PostHog no longer lists a
    project's environments, but serves one that exists under /api/environments/)."""
    return next(e["id"] for e in simulator.state.organizations.environments(1) if e["name"] == "Development")


@pytest.fixture
def pick_environment(demo_connection):
    """Picks an environment in the switcher, as a person does."""

    def pick(client, environment_id: int) -> None:
        response = client.post(
            reverse("connections:switch"),
            {"connection": demo_connection.pk, "project_id": "1", "environment_id": str(environment_id)},
        )
        assert response.status_code == 302

    return pick


@pytest.fixture
def admin(client_as, admin_user, demo_connection):
    return client_as(admin_user)


@pytest.fixture
def viewer_client(client_as, viewer, demo_connection):
    return client_as(viewer)
