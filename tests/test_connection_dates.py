"""The connection pages show times as every other page does: "2026-12-06 21:53 UTC", in the person's time zone."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from apps.connections.models import Connection

pytestmark = pytest.mark.django_db


def seen(response) -> str:
    """The page's words, a tag read as a space (a term and its value stand apart)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_connection_page_says_when_it_was_updated_in_the_persons_zone(client_as, admin_user, demo_connection):
    Connection.objects.filter(pk=demo_connection.pk).update(updated_at=datetime(2026, 12, 6, 21, 53, tzinfo=UTC))
    admin = client_as(admin_user)
    page = reverse("connections:detail", args=[demo_connection.pk])

    assert "Updated 2026-12-06 21:53 UTC" in seen(admin.get(page))

    admin.post(reverse("people:account_time_zone"), {"time_zone": "Asia/Tokyo"})
    shown = seen(admin.get(page))
    assert "Updated 2026-12-07 06:53 Asia/Tokyo" in shown
    assert "p.m." not in shown and "Dec." not in shown


def test_the_capabilities_page_says_when_they_were_checked_in_the_persons_zone(client_as, admin_user, demo_connection):
    admin = client_as(admin_user)
    admin.post(reverse("people:account_time_zone"), {"time_zone": "Asia/Tokyo"})
    admin.post(reverse("connections:test", args=[demo_connection.pk]))  # asks PostHog; the page says when

    shown = seen(admin.get(reverse("connections:capabilities", args=[demo_connection.pk])))

    assert re.search(r"Checked just now \( ?\d{4}-\d\d-\d\d \d\d:\d\d Asia/Tokyo ?\)", shown), shown[:3000]
