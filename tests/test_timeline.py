"""One timeline per object: PostHog's activity with each change a portal write caused credited to the person who
made it, merged with the portal's writes PostHog has no entry of, newest first."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from apps.audit.attribution import activity_timeline
from apps.audit.models import AuditEvent
from apps.core.activity import ActivityItem

HTMX = {"HTTP_HX_REQUEST": "true"}
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def entry(at: datetime, *, who="Key Owner", verb="changed the settings of", item_id="8") -> ActivityItem:
    return ActivityItem(when=at, who=who, verb=verb, name="S3 Export", scope="PluginConfig", item_id=item_id)


def write(connection, actor, *, at: datetime, outcome=AuditEvent.Outcome.SUCCESS, object_id="8", error=""):
    return AuditEvent.objects.create(
        created_at=at,
        actor=actor,
        actor_name=actor.get_username(),
        connection=connection,
        area="plugin_configs",
        object_id=object_id,
        method="PATCH",
        path=f"/api/projects/1/plugin_configs/{object_id}/",
        outcome=outcome,
        error=error,
        duration_ms=300,
    )


@pytest.mark.django_db
def test_an_entry_a_portal_write_caused_names_the_person_and_whom_posthog_credits(connection, admin_user):
    event = write(connection, admin_user, at=NOW)
    items = activity_timeline(
        connection_id=connection.pk,
        areas={"plugin_configs": "8"},
        items=[entry(NOW + timedelta(seconds=1)), entry(NOW - timedelta(hours=3))],
        first_page=True,
        last_page=True,
    )
    assert [(item.who, item.posthog_who, item.portal_event_id) for item in items] == [
        (admin_user.get_username(), "Key Owner", event.pk),
        ("Key Owner", "", None),  # made in PostHog, hours before: PostHog's credit stands
    ]


@pytest.mark.django_db
def test_portal_writes_posthog_has_no_entry_of_join_in_time_order(connection, admin_user):
    failed = write(connection, admin_user, at=NOW - timedelta(days=1), outcome="failure", error="PostHog refused it.")
    other_object = write(connection, admin_user, at=NOW - timedelta(days=1), object_id="9")
    items = activity_timeline(
        connection_id=connection.pk,
        areas={"plugin_configs": "8"},
        # PostHog's page out of order (25 Nov above 27 Nov): the timeline reads newest first whatever it sent.
        items=[entry(NOW - timedelta(days=2)), entry(NOW)],
        first_page=True,
        last_page=True,
    )
    assert [item.when for item in items] == [NOW, NOW - timedelta(days=1), NOW - timedelta(days=2)]
    portal_line = items[1]
    assert portal_line.source == "portal" and portal_line.failed and portal_line.error == "PostHog refused it."
    assert portal_line.portal_event_id == failed.pk != other_object.pk


@pytest.mark.django_db
def test_a_page_shows_only_the_writes_of_the_span_it_covers(connection, admin_user):
    """Pages read one after another show each write once: an older page leaves newer writes to page 1."""
    write(connection, admin_user, at=NOW, outcome="failure")
    old = write(connection, admin_user, at=NOW - timedelta(days=10), outcome="failure")
    older_page = activity_timeline(
        connection_id=connection.pk,
        areas={"plugin_configs": "8"},
        items=[entry(NOW - timedelta(days=5)), entry(NOW - timedelta(days=20))],
        first_page=False,
        last_page=False,
    )
    assert [item.portal_event_id for item in older_page if item.source == "portal"] == [old.pk]


def test_without_a_connection_posthog_entries_still_read_newest_first():
    items = activity_timeline(
        connection_id=None,
        areas={"plugin_configs": "8"},
        items=[entry(NOW - timedelta(days=2)), entry(NOW)],
        first_page=True,
        last_page=True,
    )
    assert [item.when for item in items] == [NOW, NOW - timedelta(days=2)]


@pytest.mark.django_db
@pytest.mark.profiles(
    "legacy", reason="today's PostHog refuses a config's activity to personal API keys (the scope wall)"
)
def test_switching_a_config_off_in_the_portal_reads_as_the_operator_in_its_timeline(operator_client, operator, sim):
    config = next(
        c for c in sim.call("GET", "/api/projects/1/plugin_configs/?limit=100").json()["results"] if c["enabled"]
    )
    operator_client.post(reverse("plugins:config_enabled", args=[config["id"]]), {"enabled": "false"}, **HTMX)
    timeline = operator_client.get(reverse("plugins:config_activity", args=[config["id"]]), **HTMX).content.decode()
    first = timeline.split('<li class="timeline-item', 2)[1]
    assert f"<strong><bdi>{operator.get_username()}</bdi></strong>" in first and "via the portal" in first
    assert "disabled" in first and "PostHog credits" in first


@pytest.mark.django_db
def test_the_config_page_has_one_history_card(operator_client, sim):
    config = sim.call("GET", "/api/projects/1/plugin_configs/?limit=100").json()["results"][0]
    page = operator_client.get(reverse("plugins:config_detail", args=[config["id"]])).content.decode()
    assert page.count(">History</h2>") == 1
    assert ">Activity</h2>" not in page
