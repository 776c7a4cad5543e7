"""Every signed-in person changes their own password and picks the time zone every time on a page is shown in,
with UTC one click away in the top bar."""

from datetime import UTC, datetime
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from apps.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "copper-meadow-quartz-17"


def sign_in(client: Client, username: str, password: str) -> bool:
    client.post(reverse("login"), {"username": username, "password": password})
    return client.get(reverse("home")).status_code == 200


def test_a_person_changes_their_own_password_and_stays_signed_in(client, viewer):
    assert sign_in(client, viewer.username, PASSWORD)
    other_session = Client()
    assert sign_in(other_session, viewer.username, PASSWORD)
    response = client.post(
        reverse("people:account_password"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200  # this session kept
    assert other_session.get(reverse("home")).status_code == 302  # the other one ended
    assert not sign_in(Client(), viewer.username, PASSWORD)
    assert sign_in(Client(), viewer.username, NEW_PASSWORD)
    event = AuditEvent.objects.get(area="people", object_id=str(viewer.pk))
    assert event.actor_name == viewer.username and NEW_PASSWORD not in str([event.path, event.before, event.after])


def test_a_wrong_old_password_changes_nothing(client_as, viewer):
    response = client_as(viewer).post(
        reverse("people:account_password"),
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 400 and "old password was entered incorrectly" in response.content.decode()
    assert User.objects.get(pk=viewer.pk).check_password(PASSWORD)


def test_the_chosen_zone_changes_the_times_on_a_page_and_utc_is_one_click_away(client_as, admin_user, viewer):
    viewer.last_login = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
    viewer.save()
    admin = client_as(admin_user)
    page = admin.get(reverse("people:detail", args=[viewer.pk])).content.decode()
    assert "2025-01-15 12:00 UTC" in page
    assert admin.get(reverse("people:account")).context["zone_form"]["time_zone"].value() == "UTC"

    response = admin.post(reverse("people:account_time_zone"), {"time_zone": "Asia/Tokyo"})
    assert response.status_code == 302
    page = admin.get(reverse("people:detail", args=[viewer.pk])).content.decode()
    assert "2025-01-15 21:00 Asia/Tokyo" in page and "2025-01-15 12:00" not in page
    assert 'datetime="2025-01-15T12:00:00+00:00"' in page  # machine timestamps stay ISO in UTC
    assert "Show times in UTC" in page  # the top bar's switch

    # One click to UTC, for this session only; the chosen zone stays chosen.
    here = reverse("people:detail", args=[viewer.pk])
    response = admin.post(reverse("people:time_zone_switch"), {"next": here})
    assert response.status_code == 302 and response["Location"] == here
    page = admin.get(here).content.decode()
    assert "2025-01-15 12:00 UTC" in page and "Back to Asia/Tokyo" in page
    # And back.
    admin.post(reverse("people:time_zone_switch"), {"next": here})
    assert "2025-01-15 21:00 Asia/Tokyo" in admin.get(here).content.decode()

    # Another person's pages are not affected.
    other = Client()
    other.force_login(viewer)
    assert (
        "Times on the pages are shown in <strong>UTC</strong>" in other.get(reverse("people:account")).content.decode()
    )


def test_an_unknown_zone_is_refused(client_as, viewer):
    response = client_as(viewer).post(reverse("people:account_time_zone"), {"time_zone": "Mars/Olympus_Mons"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()


def test_the_switch_goes_only_to_pages_of_this_portal(client_as, viewer):
    viewer_client = client_as(viewer)
    viewer_client.post(reverse("people:account_time_zone"), {"time_zone": "Europe/Paris"})
    response = viewer_client.post(reverse("people:time_zone_switch"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_writes_need_the_csrf_token(admin_user, viewer):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)
    for url, data in [
        (reverse("people:create"), {"username": "mallory", "role": "Admin", "sign_in": "link"}),
        (reverse("people:role", args=[viewer.pk]), {"role": "Admin"}),
        (reverse("people:active", args=[viewer.pk]), {}),
        (reverse("people:reset", args=[viewer.pk]), {}),
        (reverse("people:account_time_zone"), {"time_zone": "Asia/Tokyo"}),
        (reverse("people:time_zone_switch"), {}),
        (reverse("people:account_password"), {"old_password": PASSWORD, "new_password1": "x", "new_password2": "x"}),
    ]:
        assert browser.post(url, data).status_code == 403, url
    viewer = User.objects.get(pk=viewer.pk)
    assert viewer.is_active and not viewer.has_perm("core.administer") and viewer.check_password(PASSWORD)
    assert not User.objects.filter(username="mallory").exists()
    assert not AuditEvent.objects.filter(area="people").exists()


def test_the_audit_trail_shows_its_times_in_the_chosen_zone(client_as, admin_user, viewer):
    admin = client_as(admin_user)
    # The trail is append-only, so the event is recorded at a known moment rather than moved there.
    moment = datetime(2025, 1, 15, 12, 0, 5, tzinfo=UTC)
    with mock.patch.object(AuditEvent._meta.get_field("created_at"), "_get_default", lambda: moment):
        admin.post(reverse("people:role", args=[viewer.pk]), {"role": "Operator"})
    page = admin.get(reverse("trail:list")).content.decode()
    assert "2025-01-15 12:00:05" in page and "Time (UTC)" in page

    admin.post(reverse("people:account_time_zone"), {"time_zone": "Asia/Tokyo"})
    page = admin.get(reverse("trail:list")).content.decode()
    assert "2025-01-15 21:00:05" in page and "Time (Asia/Tokyo)" in page and "Time (UTC)" not in page

    admin.post(reverse("people:time_zone_switch"))
    assert "2025-01-15 12:00:05" in admin.get(reverse("trail:list")).content.decode()
