"""The groups list, find and create pages, over the Django test client, against the PostHog simulator."""

import json
from urllib.parse import unquote

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from tests.groups.conftest import (
    ACME,
    BOLD,
    COMPANY,
    GROUPS,
    HTMX,
    INITECH,
    WORKSPACE,
    add_group_type,
    detail,
    edit,
    served,
    sim_group,
    text,
)

pytestmark = pytest.mark.django_db


# List ------------------------------------------------------------------------------------------------------


def test_list_shows_the_types_and_the_first_ones_groups_with_its_columns(viewer_client):
    page = text(viewer_client.get(reverse("groups:list")))
    assert 'href="/groups/?type=0" aria-current="page">Companies' in page
    assert 'href="/groups/?type=1">Workspaces' in page
    # The type's default columns (name, plan, seats), each group linked to its page.
    assert "<th>name</th><th>plan</th><th>seats</th>" in page
    assert f'href="{detail(ACME)}"' in page and "Acme Robotics" in page
    assert page.count('class="col-key"><a class="group-key"') == 40
    # Names come from PostHog and are escaped.
    assert "&lt;b&gt;Bold&lt;/b&gt; Ventures" in page and "<b>Bold</b>" not in page
    assert "New company" not in page  # a Viewer cannot create groups


def test_the_type_chosen_stays_in_the_url(viewer_client):
    page = text(viewer_client.get(reverse("groups:list"), {"type": WORKSPACE}))
    assert 'aria-current="page">Workspaces' in page
    assert '<input type="hidden" name="type" value="1">' in page
    assert "https://analytics.acme-robotics.cloud" in page
    assert "Acme Robotics</span>" not in page


def test_search_narrows_the_list_in_place(viewer_client, simulator):
    fragment = text(viewer_client.get(reverse("groups:list"), {"type": COMPANY, "q": "initech"}, **HTMX))
    assert "<html" not in fragment and 'id="group-results"' in fragment
    assert f'href="{detail(INITECH)}"' in fragment and ACME not in fragment
    assert served(simulator, "GET", GROUPS)[-1]["query"] == {"group_type_index": "0", "search": "initech"}

    nothing = text(viewer_client.get(reverse("groups:list"), {"type": COMPANY, "q": "no such company"}))
    assert "No company matches “no such company”" in nothing


def test_load_more_follows_posthogs_cursor_and_appends_rows(viewer_client, sim, simulator):
    for number in range(70):  # 110 companies: PostHog pages 100 at a time
        body = {"group_type_index": COMPANY, "group_key": f"extra-{number:02}", "group_properties": {"name": "Extra"}}
        assert sim.call("POST", GROUPS, json=body).status_code == 201
    page = text(viewer_client.get(reverse("groups:list")))
    assert page.count('class="group-key"') == 100
    cursor = served(simulator, "GET", GROUPS)[-1]
    assert "cursor" not in cursor["query"]
    more = page.split('<tr class="more-row">')[1].split('href="')[1].split('"')[0].replace("&amp;", "&")
    assert more.startswith("/groups/?type=0&q=&cursor=")

    rows = text(viewer_client.get(more, **HTMX))
    assert "<table" not in rows and rows.count('class="group-key"') == 10
    assert "more-row" not in rows  # the last page
    assert served(simulator, "GET", GROUPS)[-1]["query"]["cursor"] == unquote(more.split("cursor=")[1])

    # Without JavaScript the same link shows the next page on its own.
    assert "back to the newest" in text(viewer_client.get(more))


def test_an_empty_group_type_says_how_groups_appear(client_as, operator, viewer, demo_connection, simulator):
    add_group_type(simulator, 2, "Team", "Teams")
    page = text(client_as(operator).get(reverse("groups:list"), {"type": 2}))
    assert "No teams yet" in page and "New team" in page
    assert "No teams yet" in text(client_as(viewer).get(reverse("groups:list"), {"type": 2}))
    assert "New team" not in text(client_as(viewer).get(reverse("groups:list"), {"type": 2}))


def test_a_project_without_group_types(viewer_client, simulator):
    for index in (0, 1):
        simulator.state.groups.group_type_delete(1, index)
    page = text(viewer_client.get(reverse("groups:list")))
    assert "This project has no group types yet" in page


def test_upstream_faults_are_explained(viewer_client, sim):
    sim.call("POST", "/_simulator/faults", json={"error_rate": 1.0, "error_status": 500}).raise_for_status()
    page = viewer_client.get(reverse("groups:list"))
    assert page.status_code == 502 and "PostHog had an internal error" in text(page)
    fragment = viewer_client.get(reverse("groups:list"), {"q": "acme"}, **HTMX)
    assert fragment.status_code == 200 and "PostHog had an internal error" in text(fragment)


# Find ------------------------------------------------------------------------------------------------------


def test_find_opens_the_group(viewer_client):
    response = viewer_client.get(reverse("groups:find"), {"type": COMPANY, "key": INITECH})
    assert response.status_code == 302 and response["Location"] == detail(INITECH)
    response = viewer_client.get(reverse("groups:find"), {"type": COMPANY, "key": f" {INITECH} "}, **HTMX)
    assert response["HX-Redirect"] == detail(INITECH)


def test_find_an_unknown_key_says_so_on_the_form(viewer_client):
    fragment = text(viewer_client.get(reverse("groups:find"), {"type": WORKSPACE, "key": "nope"}, **HTMX))
    assert "<html" not in fragment and "No workspace has the key “nope”." in fragment
    assert 'value="nope"' in fragment and '<option value="1" selected>Workspaces</option>' in fragment

    page = text(viewer_client.get(reverse("groups:find"), {"type": COMPANY, "key": ""}))
    assert "This field is required." in page


def test_the_list_offers_the_find_form_for_the_chosen_type(viewer_client):
    page = text(viewer_client.get(reverse("groups:list"), {"type": WORKSPACE}))
    assert 'action="/groups/find/"' in page and '<option value="1" selected>Workspaces</option>' in page


# Create ----------------------------------------------------------------------------------------------------


def test_operator_creates_a_group(operator_client, operator, sim):
    form = text(operator_client.get(reverse("groups:create"), {"type": WORKSPACE}))
    assert '<option value="1" selected>Workspaces</option>' in form
    response = operator_client.post(
        reverse("groups:create"),
        {"type": COMPANY, "key": "hedgehog-co", "properties": '{"name": "Hedgehog & Co", "seats": 3}'},
        **HTMX,
    )
    assert response["HX-Redirect"] == detail("hedgehog-co")
    assert sim_group(sim, "hedgehog-co")["group_properties"] == {"name": "Hedgehog & Co", "seats": 3}
    assert "Created company “hedgehog-co”." in text(operator_client.get(response["HX-Redirect"]))
    event = AuditEvent.objects.get(actor=operator, method="POST", path=GROUPS)
    assert event.outcome == AuditEvent.Outcome.SUCCESS and event.before is None
    assert event.request_body["group_properties"] == {"name": "Hedgehog & Co", "seats": 3}
    assert event.after["group_key"] == "hedgehog-co"


def test_a_duplicate_key_is_refused_on_the_key_field_with_the_input_kept(operator_client, operator):
    properties = '{"plan": "scale"}'
    fragment = text(
        operator_client.post(
            reverse("groups:create"), {"type": COMPANY, "key": INITECH, "properties": properties}, **HTMX
        )
    )
    assert "A group with this key already exists" in fragment
    assert 'id="id_key_error"' in fragment and f'value="{INITECH}"' in fragment
    assert "{&quot;plan&quot;: &quot;scale&quot;}" in fragment
    event = AuditEvent.objects.get(actor=operator, method="POST", path=GROUPS)
    assert event.outcome == AuditEvent.Outcome.FAILURE and event.status_code == 400


@pytest.mark.parametrize(
    ("properties", "message"),
    [
        ('{"name": "Acme",\n "plan": }', "Not valid JSON: Expecting value (line 2, column 10)."),
        ('["not", "an", "object"]', "Properties must be a JSON object"),
    ],
)
def test_properties_are_checked_before_anything_is_sent(operator_client, properties, message):
    fragment = text(
        operator_client.post(
            reverse("groups:create"), {"type": COMPANY, "key": "new", "properties": properties}, **HTMX
        )
    )
    assert message in fragment
    assert not AuditEvent.objects.filter(area="groups").exists()


def test_viewers_cannot_create(viewer_client):
    assert viewer_client.get(reverse("groups:create")).status_code == 403
    assert viewer_client.post(reverse("groups:create"), {"type": 0, "key": "x"}).status_code == 403
    assert not AuditEvent.objects.filter(area="groups").exists()


# The group page --------------------------------------------------------------------------------------------


def test_the_group_page_shows_its_properties(viewer_client, sim):
    page = text(viewer_client.get(detail(BOLD)))
    assert "<h1>&lt;b&gt;Bold&lt;/b&gt; Ventures</h1>" in page
    properties = sim_group(sim, BOLD)["group_properties"]
    assert page.count('<th scope="row" class="col-property">') == len(properties)
    shown = [part.split("</code>")[0] for part in page.split('class="col-property"><code>')[1:]]
    assert shown == sorted(properties, key=str.casefold)
    assert (
        f'<code class="value-text">{json.dumps(properties["seats"])}</code> <span class="badge badge-muted">number</span>'
        in page
    )
    # A Viewer reads: no edit, no delete, no form to add a property.
    assert "Edit" not in page and "Delete" not in page and "Add a property" not in page


def test_the_group_page_loads_its_activity(viewer_client):
    page = text(viewer_client.get(detail(ACME)))
    activity_url = reverse("groups:activity", args=[COMPANY, ACME])
    assert f'hx-get="{activity_url}"' in page
    timeline = text(viewer_client.get(activity_url, **HTMX))
    # PostHog's change names no field; the property it changed is the entry's detail.name, not "Group".
    assert "<code>plan</code>" in timeline and "<code>Group</code>" not in timeline
    assert "startup" in timeline and "scale" in timeline
    assert "<strong>seats</strong>" in timeline and "<strong>plan</strong>" in timeline


def test_an_unknown_group_is_a_polite_404(viewer_client):
    response = viewer_client.get(detail("no-such-company"))
    assert response.status_code == 404 and "PostHog could not find this object" in text(response)
    assert viewer_client.get(reverse("groups:detail", args=[COMPANY])).status_code == 404


def test_a_property_changed_through_the_portal_reads_as_the_operator_in_the_group_timeline(operator_client, operator):
    operator_client.post(edit(ACME, "seats"), {"value": "50"}, **HTMX)
    timeline = text(operator_client.get(reverse("groups:activity", args=[COMPANY, ACME]), **HTMX))
    newest = timeline.split('<li class="timeline-item', 2)[1]
    assert f"<strong><bdi>{operator.get_username()}</bdi></strong>" in newest and "via the portal" in newest
    assert "50" in newest
