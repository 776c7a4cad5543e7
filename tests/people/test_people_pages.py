"""Admins manage the portal's people in the portal: new people (password or one-time link), roles, deactivation,
password resets; every change audited without password data; nobody else may."""

import json
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.test import Client
from django.urls import reverse

from apps.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "violet-harbour-lantern-42"
LINK = re.compile(r'value="(http://testserver/people/link/[^"]+)"')


def sign_in(client: Client, username: str, password: str) -> bool:
    client.post(reverse("login"), {"username": username, "password": password})
    return client.get(reverse("home")).status_code == 200


def link_from(response) -> str:
    match = LINK.search(response.content.decode())
    assert match, "the page shows no sign-in link"
    return match.group(1).removeprefix("http://testserver")


def set_password_with(link: str, password: str = NEW_PASSWORD) -> Client:
    """A stranger's browser opens the link and sets a password."""
    browser = Client()
    response = browser.get(link)
    assert response.status_code == 302 and "/set/" in response["Location"]  # the token leaves the address bar
    assert "Set your password" in browser.get(response["Location"]).content.decode()
    response = browser.post(response["Location"], {"new_password1": password, "new_password2": password})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    return browser


def people_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(area="people").order_by("pk"))


def test_admin_adds_a_person_who_signs_in_through_the_link(client_as, admin_user):
    admin = client_as(admin_user)
    response = admin.post(
        reverse("people:create"),
        {"username": "nina", "email": "nina@example.test", "role": "Operator", "sign_in": "link"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "nina is added as Operator" in page and "Copy it now" in page
    link = link_from(response)
    nina = User.objects.get(username="nina")
    assert not nina.has_usable_password()

    set_password_with(link)
    browser = Client()
    assert sign_in(browser, "nina", NEW_PASSWORD)
    assert browser.get(reverse("people:account")).status_code == 200
    nina.refresh_from_db()
    assert nina.has_perm("core.operate") and not nina.has_perm("core.administer")

    # The link works once.
    again = Client().get(link)
    assert again.status_code == 404 and "This link no longer works" in again.content.decode()
    # The person's page no longer shows the link.
    assert link not in admin.get(reverse("people:detail", args=[nina.pk])).content.decode()


def test_admin_adds_a_person_with_a_password(client_as, admin_user):
    response = client_as(admin_user).post(
        reverse("people:create"),
        {"username": "pat", "email": "", "role": "Viewer", "sign_in": "password", "password": NEW_PASSWORD},
    )
    pat = User.objects.get(username="pat")
    assert response.status_code == 302 and response["Location"] == reverse("people:detail", args=[pat.pk])
    assert sign_in(Client(), "pat", NEW_PASSWORD)


def test_a_weak_password_or_a_taken_name_is_refused_on_the_form(client_as, admin_user, viewer):
    admin = client_as(admin_user)
    response = admin.post(
        reverse("people:create"), {"username": "quinn", "role": "Viewer", "sign_in": "password", "password": "short"}
    )
    assert response.status_code == 200 and "too short" in response.content.decode()
    response = admin.post(reverse("people:create"), {"username": viewer.username.upper(), "role": "Viewer"})
    assert "Someone has this user name already" in response.content.decode()
    assert not User.objects.filter(username__in=["quinn", viewer.username.upper()]).exists()


def test_the_link_can_be_emailed_where_mail_is_configured(client_as, admin_user, settings):
    settings.PORTAL_EMAIL_ENABLED = True
    admin = client_as(admin_user)
    assert "Also email the link" in admin.get(reverse("people:create")).content.decode()
    response = admin.post(
        reverse("people:create"),
        {"username": "omar", "email": "omar@example.test", "role": "Viewer", "sign_in": "link", "send_email": "on"},
    )
    link = link_from(response)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["omar@example.test"]
    assert link in mail.outbox[0].body
    assert "Also emailed to omar@example.test" in response.content.decode()


def test_without_mail_there_is_no_email_offer(client_as, admin_user):
    assert "Also email" not in client_as(admin_user).get(reverse("people:create")).content.decode()


def test_a_role_change_takes_effect(client_as, admin_user, operator):
    assert client_as(operator).get(reverse("people:list")).status_code == 403
    response = client_as(admin_user).post(reverse("people:role", args=[operator.pk]), {"role": "Admin"})
    assert response.status_code == 302
    assert client_as(operator).get(reverse("people:list")).status_code == 200

    client_as(admin_user).post(reverse("people:role", args=[operator.pk]), {"role": "Viewer"})
    operator = User.objects.get(pk=operator.pk)
    assert operator.has_perm("core.view_portal") and not operator.has_perm("core.operate")
    assert list(operator.groups.values_list("name", flat=True)) == ["Viewer"]


def test_demoting_a_superuser_takes_effect(client_as, admin_user, django_user_model):
    root = django_user_model.objects.create_superuser(username="root", password=PASSWORD)
    root.groups.add(Group.objects.get(name="Admin"))
    client_as(admin_user).post(reverse("people:role", args=[root.pk]), {"role": "Operator"})
    root = User.objects.get(pk=root.pk)
    assert not root.is_superuser and not root.has_perm("core.administer") and root.has_perm("core.operate")


def test_a_deactivated_person_cannot_sign_in_and_their_session_ends(client_as, admin_user, viewer):
    browser = Client()
    assert sign_in(browser, viewer.username, PASSWORD)
    response = client_as(admin_user).post(reverse("people:active", args=[viewer.pk]))
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert not viewer.is_active and User.objects.filter(pk=viewer.pk).exists()  # kept, never deleted

    assert browser.get(reverse("home")).status_code == 302
    assert not sign_in(Client(), viewer.username, PASSWORD)
    listing = client_as(admin_user).get(reverse("people:list")).content.decode()
    assert viewer.username in listing and "deactivated" in listing

    client_as(admin_user).post(reverse("people:active", args=[viewer.pk]))
    assert sign_in(Client(), viewer.username, PASSWORD)


def test_the_last_active_admin_cannot_demote_or_deactivate_themself(client_as, admin_user, django_user_model):
    admin = client_as(admin_user)
    response = admin.post(reverse("people:role", args=[admin_user.pk]), {"role": "Viewer"})
    assert response.status_code == 400 and "last active Admin" in response.content.decode()
    response = admin.post(reverse("people:active", args=[admin_user.pk]), follow=True)
    assert "last active Admin" in response.content.decode()
    admin_user = User.objects.get(pk=admin_user.pk)
    assert admin_user.is_active and admin_user.has_perm("core.administer")
    assert not AuditEvent.objects.filter(area="people", object_id=str(admin_user.pk)).exists()

    # With a second active Admin, stepping down is allowed.
    other = django_user_model.objects.create_user(username="second-admin", password=PASSWORD)
    other.groups.add(Group.objects.get(name="Admin"))
    assert admin.post(reverse("people:role", args=[admin_user.pk]), {"role": "Operator"}).status_code == 302
    assert not User.objects.get(pk=admin_user.pk).has_perm("core.administer")


def test_a_reset_ends_the_old_password_and_gives_a_new_link(client_as, admin_user, viewer):
    response = client_as(admin_user).post(reverse("people:reset", args=[viewer.pk]))
    assert response.status_code == 200 and "New sign-in link for vera-viewer" in response.content.decode()
    link = link_from(response)
    assert not sign_in(Client(), viewer.username, PASSWORD)
    set_password_with(link)
    assert sign_in(Client(), viewer.username, NEW_PASSWORD)


@pytest.mark.parametrize("role", ["viewer", "operator"])
def test_viewers_and_operators_are_refused_every_people_page(request, client_as, admin_user, role):
    user = request.getfixturevalue(role)
    client = client_as(user)
    for url in [reverse("people:list"), reverse("people:create"), reverse("people:detail", args=[admin_user.pk])]:
        assert client.get(url).status_code == 403
    for name, data in [
        ("create", {"username": "x", "role": "Admin"}),
        ("role", {"role": "Viewer"}),
        ("active", {}),
        ("reset", {}),
    ]:
        args = [] if name == "create" else [admin_user.pk]
        assert client.post(reverse(f"people:{name}", args=args), data).status_code == 403
    admin_user = User.objects.get(pk=admin_user.pk)
    assert admin_user.is_active and admin_user.has_perm("core.administer") and admin_user.check_password(PASSWORD)
    assert not User.objects.filter(username="x").exists()
    # Nor does the navigation offer the page.
    assert 'href="/people/"' not in client.get(reverse("people:account")).content.decode()


def test_admins_find_people_in_the_navigation(client_as, admin_user):
    assert 'href="/people/"' in client_as(admin_user).get(reverse("home")).content.decode()


def test_every_change_is_audited_without_password_data(client_as, admin_user, viewer):
    admin = client_as(admin_user)
    admin.post(
        reverse("people:create"),
        {
            "username": "pat",
            "email": "p@example.test",
            "role": "Viewer",
            "sign_in": "password",
            "password": NEW_PASSWORD,
        },
    )
    link = link_from(admin.post(reverse("people:reset", args=[viewer.pk])))
    admin.post(reverse("people:role", args=[viewer.pk]), {"role": "Operator"})
    admin.post(reverse("people:active", args=[viewer.pk]))
    pat = User.objects.get(username="pat")

    events = people_events()
    assert [(event.object_id, event.actor_name) for event in events] == [
        (str(pat.pk), "ada-admin"),
        (str(viewer.pk), "ada-admin"),
        (str(viewer.pk), "ada-admin"),
        (str(viewer.pk), "ada-admin"),
    ]
    assert events[0].after == {"username": "pat", "email": "p@example.test", "role": "Viewer", "active": True}
    assert (events[2].before["role"], events[2].after["role"]) == ("Viewer", "Operator")
    assert (events[3].before["active"], events[3].after["active"]) == (True, False)
    token = link.rstrip("/").rsplit("/", 1)[1]
    for event in events:
        recorded = json.dumps([event.path, event.before, event.after, event.request_body])
        for secret in (NEW_PASSWORD, token, "pbkdf2", "md5$", 'password":'):
            assert secret not in recorded
