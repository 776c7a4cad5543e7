"""An Admin chooses which projects (and, where PostHog lists them, environments) the history pollers watch."""

import html
import re

from django.core.cache import cache
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.connections.models import WatchedProject
from apps.connections.selectors import watched_projects_list

WEB, MOBILE = "1", "3"  # the simulator's projects with plugin configs


def watch_url(connection) -> str:
    return reverse("connections:watching", args=[connection.pk])


def ticked(page: str) -> set[str]:
    return set(re.findall(r'name="watched" value="([^"]+)" checked', page))


def new_ones_watched(page: str) -> bool:
    return bool(re.search(r'<input type="checkbox" name="watch_new"[^>]* checked>', page))


def offered(page: str) -> set[str]:
    return set(re.findall(r'name="watched" value="([^"]+)"', page))


def test_only_an_admin_opens_or_saves_the_watch_page(client_as, viewer, operator, admin_user, demo_connection):
    for user in (viewer, operator):
        client = client_as(user)
        assert client.get(watch_url(demo_connection)).status_code == 403
        assert client.post(watch_url(demo_connection), {"watched": [f"{WEB}:{WEB}"]}).status_code == 403
    assert not WatchedProject.objects.exists()
    assert client_as(admin_user).get(watch_url(demo_connection)).status_code == 200


def test_every_project_the_key_sees_is_watched_until_an_admin_chooses(
    client_as, admin_user, demo_connection, simulator
):
    page = client_as(admin_user).get(watch_url(demo_connection)).content.decode()

    assert "Hedgehog Web" in page and "Hedgehog Mobile" in page
    assert offered(page) == ticked(page)
    assert new_ones_watched(page)
    if simulator.profile.project_environments_list:
        # An older PostHog lists the web project's two environments: each is a choice of its own.
        assert {f"{WEB}:{WEB}", f"{MOBILE}:{MOBILE}"} < offered(page) and len(offered(page)) == 3
        assert "Development" in page and "(the project's own environment)" in page
    else:
        # Today's PostHog refuses the environments list: each project is watched as a whole, and the page says so.
        assert offered(page) == {f"{WEB}:{WEB}", f"{MOBILE}:{MOBILE}"}
        assert "no longer lists a project's environments" in page
    detail = client_as(admin_user).get(reverse("connections:detail", args=[demo_connection.pk])).content.decode()
    assert "Every project the key can see" in detail and watch_url(demo_connection) in detail


def test_a_choice_is_saved_audited_and_followed_by_the_pollers(client_as, admin_user, demo_connection):
    client = client_as(admin_user)
    response = client.post(watch_url(demo_connection), {"watched": [f"{WEB}:{WEB}"]}, follow=True)

    page = response.content.decode()
    assert "Saved: the history pollers of “Simulator” watch what is ticked." in page
    assert ticked(page) == {f"{WEB}:{WEB}"} and not new_ones_watched(page)
    demo_connection.refresh_from_db()
    assert demo_connection.watch_new_projects is False
    assert [(t.project_id, t.name) for t in watched_projects_list(connection=demo_connection)] == [
        (WEB, "Hedgehog Web")
    ]
    event = AuditEvent.objects.filter(area="connections", method="PATCH").latest("id")
    assert event.actor == admin_user and "chose the projects history watches" in event.path
    assert event.before == {"watch_new_projects": True, "watched": [], "not_watched": []}
    assert event.after["watch_new_projects"] is False and "Hedgehog Web" in event.after["watched"][0]
    assert "Hedgehog Mobile" in event.after["not_watched"][0]
    detail = client.get(reverse("connections:detail", args=[demo_connection.pk])).content.decode()
    assert "not new projects" in detail


def test_new_projects_stay_watched_beside_a_choice_while_the_box_is_ticked(
    client_as, admin_user, demo_connection, simulator
):
    client_as(admin_user).post(watch_url(demo_connection), {"watched": [f"{WEB}:{WEB}"], "watch_new": "on"})
    added = simulator.state.organizations.projects.add("Hedgehog Watch")
    cache.clear()  # the pollers' list of projects is older than its ten minutes

    targets = {t.project_id for t in watched_projects_list(connection=demo_connection)}

    assert str(added["id"]) in targets and WEB in targets and MOBILE not in targets


def test_posthog_failing_is_said_in_place_and_stored_choices_still_show(
    client_as, admin_user, demo_connection, simulator
):
    client = client_as(admin_user)
    client.post(watch_url(demo_connection), {"watched": [f"{MOBILE}:{MOBILE}"]})
    unavailable = {"type": "server_error", "detail": "Service unavailable.", "attr": None}
    simulator.script("GET", r"/api/organizations/[^/]+/projects/", status=503, body=unavailable, times=10)

    response = client.get(watch_url(demo_connection))

    page = response.content.decode()
    assert response.status_code == 200
    assert "PostHog could not list the projects this key can see" in page and "HTTP 503" in page
    assert ticked(page) == {f"{MOBILE}:{MOBILE}"} and "PostHog no longer lists it" in page


def test_a_key_that_may_not_list_projects_watches_its_own_project_and_says_so(client_as, admin_user, simulator):
    from apps.connections.services import connection_create
    from simulator.core.seed import PLUGINS_ONLY_KEY

    connection = connection_create(
        actor=admin_user, name="Plugins only", host=simulator.url, api_key=PLUGINS_ONLY_KEY, project_id=WEB
    )

    page = html.unescape(client_as(admin_user).get(watch_url(connection)).content.decode())

    assert "Only the connection's own project is watched: PostHog does not let this key list its projects." in page
    assert "project:read" in page
    problems: list[str] = []
    assert [t.project_id for t in watched_projects_list(connection=connection, problems=problems)] == [WEB]
    assert problems and "project:read" in problems[0]
