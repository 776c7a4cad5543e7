"""Every area's detail page carries the History card of its object, asking for the (area, object) under which the
audit trail records a write to that object's PostHog path; a group's write shows up in its card."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from apps.audit.naming import area_and_object_from_path
from tests.groups.conftest import ACME, detail, edit

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
# The History card's link to the object's history, whichever card the page uses (the audit trail's own, or the
# timeline that merges PostHog's activity with it).
TAB = re.compile(r'href="(/audit/history/\?area=[^"]+)"')


def history_query(html: str) -> tuple[str, str]:
    found = TAB.search(html)
    assert found, "no History card on the page"
    query = parse_qs(urlsplit(unescape(found[1])).query)
    return query["area"][0], query["object"][0]


def first(sim, path: str) -> dict:
    answer = sim.call("GET", path).json()
    return (answer["results"] if isinstance(answer, dict) else answer)[0]


def pages_and_paths(sim):
    """(portal detail page, the PostHog path a write to the same object goes to)."""
    annotation = first(sim, "/api/projects/1/annotations/")
    role = first(sim, "/api/organizations/@current/roles/")
    cohort = first(sim, "/api/projects/1/cohorts/")
    item = first(sim, "/api/projects/1/file_system/?type=insight")
    insight = first(sim, "/api/projects/1/insights/")
    key = sim.call(
        "POST", "/api/environments/1/project_secret_api_keys/", json={"label": "tab", "scopes": ["feature_flag:read"]}
    ).json()
    return [
        (reverse("annotations:detail", args=[annotation["id"]]), f"/api/projects/1/annotations/{annotation['id']}/"),
        (reverse("roles:detail", args=[role["id"]]), f"/api/organizations/@current/roles/{role['id']}/"),
        (reverse("cohorts:detail", args=[cohort["id"]]), f"/api/projects/1/cohorts/{cohort['id']}/"),
        (reverse("file_system:item", args=[item["id"]]), f"/api/projects/1/file_system/{item['id']}/move/"),
        (
            reverse("sharing:detail", args=["insights", insight["id"]]),
            f"/api/projects/1/insights/{insight['id']}/sharing/passwords/",
        ),
        (
            reverse("secret_keys:edit", args=[key["id"]]),
            f"/api/environments/1/project_secret_api_keys/{key['id']}/roll/",
        ),
        (reverse("project_actions:index"), "/api/organizations/@current/projects/1/reset_token/"),
    ]


def test_each_detail_page_asks_for_the_history_its_writes_are_recorded_under(
    client_as, admin_user, demo_connection, sim
):
    client = client_as(admin_user)
    for page, write_path in pages_and_paths(sim):
        response = client.get(page)
        assert response.status_code == 200, page
        assert history_query(response.content.decode()) == area_and_object_from_path(write_path), page


def test_a_groups_property_edit_is_in_its_history_card(operator_client, operator):
    operator_client.post(edit(ACME, "seats"), {"value": "51"}, **HTMX)
    area, object_id = history_query(operator_client.get(detail(ACME)).content.decode())
    card = operator_client.get(reverse("trail:object_history"), {"area": area, "object": object_id}, **HTMX)
    assert operator.username in card.content.decode() and "seats" in card.content.decode()
