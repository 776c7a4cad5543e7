"""The trail's Object column names a group PostHog logged by its key (learned from the portal's own writes to it),
never as "Groups 1"; a group the portal never wrote to reads "Group (PostHog id 2)"."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from apps.audit.models import AuditEvent
from apps.history.models import ActivitySnapshot

pytestmark = pytest.mark.django_db


def group_entry(connection, *, activity_id: str, item_id: str, event=None) -> ActivitySnapshot:
    return ActivitySnapshot.objects.create(
        connection=connection,
        scope="Group",
        activity_id=activity_id,
        item_id=item_id,
        activity="update_property",
        created_at=timezone.now(),
        user_name="Dana",
        audit_event=event,
        entry={"id": activity_id, "activity": "update_property", "detail": {"name": "industry", "changes": []}},
    )


def seen(response) -> str:
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def test_group_entries_show_the_group_key_or_posthogs_id(client_as, admin_user, demo_connection):
    write = AuditEvent.objects.create(
        actor_name="ada",
        connection=demo_connection,
        connection_name=demo_connection.name,
        area="groups",
        object_id="0:acme-robotics",
        method="POST",
        path="/api/projects/1/groups/update_property/?group_type_index=0&group_key=acme-robotics",
        outcome="success",
        duration_ms=90,
    )
    group_entry(demo_connection, activity_id="a1", item_id="1", event=write)
    group_entry(demo_connection, activity_id="a2", item_id="1")  # in PostHog, not through the portal: same group
    group_entry(demo_connection, activity_id="a3", item_id="2")  # a group the portal never wrote to

    response = client_as(admin_user).get(reverse("trail:list"))

    page = seen(response)
    assert "Groups 1" not in page and "Groups 2" not in page
    assert page.count("Group acme-robotics") == 2  # both entries of the group, linked to the write or not
    assert "Group (PostHog id 2)" in page
    assert 'href="?area=groups&amp;object=0%3Aacme-robotics"' in response.content.decode()
