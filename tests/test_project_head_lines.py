"""The head lines of the project's lists name the project as the switcher does ("Hedgehog Web"), not by its bare id,
and learn the name from the switcher's kept list without asking PostHog once more."""

import re

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
PAGES = ["plugins:configs", "hog_functions:list", "cohorts:list", "file_system:browse", "annotations:list"]
PROJECTS = "/api/organizations/@current/projects/"


def seen(response) -> str:
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


@pytest.fixture
def admin(client_as, admin_user, demo_connection):
    return client_as(admin_user)


@pytest.mark.parametrize("url_name", PAGES)
def test_the_head_line_names_the_project_the_switcher_read(admin, simulator, url_name):
    admin.get(reverse("connections:scope"), **HTMX)  # the switcher reads the organization's projects
    before = len(simulator.requests(path=PROJECTS))

    response = admin.get(reverse(url_name))

    assert response.status_code == 200
    page = seen(response)
    assert re.search(r"[Pp]roject Hedgehog Web \(id 1\)", page), page[:2000]
    assert 'title="PostHog project id 1"' in response.content.decode()
    assert len(simulator.requests(path=PROJECTS)) == before  # no request of its own


def test_before_the_switcher_has_read_the_projects_the_id_stands_alone(admin, simulator):
    response = admin.get(reverse("cohorts:list"))

    assert "Project 1 · groups of persons" in seen(response)
    assert not simulator.requests(path=PROJECTS)
