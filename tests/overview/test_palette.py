"""The command palette's search (/search/): pages and every area's objects found by name, one failing area shown in
its place while the others still show, nothing asked of PostHog for an empty query, and only for people who may
look."""

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.posthog.errors import ServerError
from tests.conftest import make_user

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.profiles("current", reason="the palette reads through the areas' selectors, swept per version there"),
]
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def viewer_client(client_as, viewer, demo_connection):
    return client_as(viewer)


def search(client, query: str, **headers) -> str:
    response = client.get(reverse("search"), {"q": query}, **headers)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def group_of(html: str, area: str) -> str:
    """The part of the results under one area's heading."""
    start = html.index(f'<section class="palette-group" aria-label="{area}">')
    end = html.find("</section>", start)
    return html[start:end]


@pytest.mark.parametrize(
    ("query", "area", "name", "link"),
    [
        ("HubSpot", "Plugins", "HubSpot", "/plugins/"),
        ("HubSpot", "Plugin configs", "HubSpot", "/plugin-configs/"),
        ("webhook", "Hog functions", "CRM sync webhook", "/pipeline/functions/"),
        ("Tyrell", "Groups", "Tyrell Systems", "/groups/0/group/?key=tyrell-systems"),
        ("paywall", "Cohorts", "Trial users who hit the paywall", "/cohorts/"),
        ("Newsletter", "Annotations", "Newsletter sent to 48k subscribers", "/annotations/"),
        ("board deck", "File system", "Q4 2024 board deck", "/files/items/"),
    ],
)
def test_each_area_is_found_by_name_with_a_link_to_its_page(viewer_client, query, area, name, link):
    html = group_of(search(viewer_client, query, **HTMX), area)
    assert name in html
    assert f'href="{link}' in html


def test_the_portals_own_audit_entries_and_pages_are_found_too(viewer_client, admin_user):
    event = AuditEvent.objects.create(
        actor=admin_user,
        actor_name=admin_user.username,
        area="cohorts",
        object_id="9",
        object_name="Zebra crossing watchers",
        action="delete",
        method="DELETE",
        path="/api/projects/1/cohorts/9/",
        outcome=AuditEvent.Outcome.SUCCESS,
    )
    html = search(viewer_client, "zebra", **HTMX)
    audit = group_of(html, "Audit trail")
    assert "Zebra crossing watchers" in audit
    assert f'href="{reverse("trail:detail", args=["portal", event.pk])}"' in audit

    pages = group_of(search(viewer_client, "annot", **HTMX), "Pages")
    assert f'href="{reverse("annotations:list")}"' in pages


def test_names_from_posthog_are_shown_as_text(viewer_client):
    html = group_of(search(viewer_client, "pricing", **HTMX), "Plugin configs")
    assert "Hedgehog &lt;b&gt;pricing&lt;/b&gt; &amp; plan tagger" in html
    assert "<b>pricing</b>" not in html


def test_an_area_posthog_fails_to_search_says_so_and_the_others_still_show(viewer_client, monkeypatch):
    def broken(**kwargs):
        raise ServerError(status=503)

    monkeypatch.setattr("apps.overview.selectors.palette.cohort_page", broken)
    html = search(viewer_client, "s", **HTMX)
    cohorts = group_of(html, "Cohorts")
    assert "Couldn&#x27;t search cohorts: PostHog had an internal error (HTTP 503)" in cohorts
    assert "HubSpot" in group_of(html, "Plugins")
    assert "Tyrell Systems" in group_of(html, "Groups")


def test_each_area_shows_a_few_and_links_to_its_own_list_for_more(viewer_client):
    html = search(viewer_client, "e", **HTMX)
    plugins = group_of(html, "Plugins")
    assert plugins.count('class="palette-hit"') == 5
    assert f'href="{reverse("plugins:list")}?q=e"' in plugins


def test_an_empty_query_lists_the_pages_and_asks_posthog_nothing(viewer_client, simulator):
    simulator.requests_clear()
    html = search(viewer_client, "  ", **HTMX)
    assert simulator.requests() == []
    assert [part.split('"')[0] for part in html.split('aria-label="')[1:]] == ["Pages"]
    assert f'href="{reverse("cohorts:list")}"' in html
    assert f'href="{reverse("trail:list")}"' in html


def test_without_javascript_the_results_are_a_page_of_their_own(viewer_client):
    html = search(viewer_client, "paywall")
    assert "<title>Search · PostHog Ops Portal</title>" in html
    assert 'value="paywall"' in html
    assert "Trial users who hit the paywall" in group_of(html, "Cohorts")


def test_pages_are_only_those_the_person_may_open(client_as, viewer, admin_user, demo_connection):
    people = f'href="{reverse("people:list")}"'
    assert people not in search(client_as(viewer), "people", **HTMX)
    assert people in search(client_as(admin_user), "people", **HTMX)


def test_signing_in_and_a_role_are_needed(client, django_user_model, demo_connection, simulator):
    simulator.requests_clear()
    response = client.get(reverse("search"), {"q": "HubSpot"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))

    client.force_login(make_user(django_user_model, "nobody", None))
    assert client.get(reverse("search"), {"q": "HubSpot"}).status_code == 403
    assert simulator.requests() == []


def test_with_no_posthog_connection_pages_and_the_audit_trail_are_still_searched(client_as, viewer):
    html = search(client_as(viewer), "plugin", **HTMX)
    assert f'href="{reverse("plugins:list")}"' in group_of(html, "Pages")
    assert "Couldn" not in html


def test_the_palette_is_on_every_page_for_people_who_may_search(client, client_as, viewer):
    assert 'id="palette"' not in client.get(reverse("login")).content.decode()
    home = client_as(viewer).get(reverse("home")).content.decode()
    assert 'role="combobox"' in home and 'aria-controls="palette-results"' in home
    assert 'id="shortcuts"' in home
