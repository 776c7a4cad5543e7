"""Two-factor sign-in for local Admins: set up on the account page (a QR code and the key in text), then a password
sign-in asks for the code before any page opens; a wrong code is refused; another Admin resets it; with
REQUIRE_ADMIN_2FA an Admin without one is sent to set it up. Deactivating a person ends their sessions."""

import re
import time

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def code_of(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """What the person's app shows (a later step's code, as a code is never taken twice)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client: Client, username: str) -> str:
    """A password sign-in; where the next page the person opens sends them."""
    client.post(reverse("login"), {"username": username, "password": PASSWORD})
    response = client.get(reverse("people:list"))
    return response["Location"] if response.status_code == 302 else str(response.status_code)


def enrol(client: Client) -> TOTPDevice:
    client.post(reverse("people:two_factor_start"))
    page = client.get(reverse("people:account")).content.decode()
    card = page[page.index('id="two-factor-title"') :].split("</section>")[0]
    assert "<svg" in card and "Type this key into the app instead" in card and "<script" not in card
    device = TOTPDevice.objects.get(confirmed=False)
    key = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1)
    assert len(key.replace(" ", "")) == 32
    response = client.post(reverse("people:two_factor_confirm"), {"code": code_of(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_an_admin_sets_up_two_factor_and_then_a_password_sign_in_needs_the_code(admin_user):
    client = Client()
    assert sign_in(client, admin_user.username) == "200"
    device = enrol(client)
    assert client.get(reverse("people:list")).status_code == 200  # the session that set it up gave a code
    assert "two-factor sign-in" in AuditEvent.objects.filter(area="people").latest("pk").path

    other = Client()
    location = sign_in(other, admin_user.username)
    assert location.startswith(reverse("people:two_factor_verify"))
    assert other.get(reverse("home"))["Location"].startswith(reverse("people:two_factor_verify"))
    verify = other.post(location, {"code": code_of(device, steps_ahead=1)})
    assert verify.status_code == 302 and verify["Location"] == reverse("people:list")
    assert other.get(reverse("people:list")).status_code == 200


def test_a_wrong_code_is_refused(admin_user):
    client = Client()
    sign_in(client, admin_user.username)
    device = enrol(client)
    other = Client()
    location = sign_in(other, admin_user.username)
    right = code_of(device, steps_ahead=1)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    response = other.post(location, {"code": wrong})
    assert response.status_code == 400 and "That code is not right" in response.content.decode()
    assert other.get(reverse("people:list")).status_code == 302
    time.sleep(1.1)  # django-otp makes a wrong code wait before the next try
    assert other.post(location, {"code": right}).status_code == 302
    assert other.get(reverse("people:list")).status_code == 200


def test_setting_up_refuses_a_wrong_first_code(admin_user):
    client = Client()
    sign_in(client, admin_user.username)
    client.post(reverse("people:two_factor_start"))
    response = client.post(reverse("people:two_factor_confirm"), {"code": "12345x"})
    assert response.status_code == 400 and "digits only" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_another_admin_resets_two_factor_from_the_people_page(admin_user, django_user_model):
    client = Client()
    sign_in(client, admin_user.username)
    enrol(client)
    second = django_user_model.objects.create_user(username="bea-admin", password=PASSWORD, is_superuser=True)
    admin = Client()
    admin.force_login(second)
    detail = admin.get(reverse("people:detail", args=[admin_user.pk])).content.decode()
    assert "Reset two-factor sign-in" in detail
    response = admin.post(reverse("people:two_factor_reset", args=[admin_user.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=admin_user).exists()
    event = AuditEvent.objects.filter(area="people", object_id=str(admin_user.pk)).latest("pk")
    assert event.actor_name == "bea-admin" and "reset the two-factor sign-in" in event.path
    assert sign_in(Client(), admin_user.username) == "200"  # the password alone again


def test_people_without_a_device_and_other_roles_sign_in_as_before(viewer):
    assert sign_in(Client(), viewer.username) == "403"  # a Viewer's answer from the Admin page, no code asked
    client = Client()
    client.force_login(viewer)
    assert "Two-factor sign-in" not in client.get(reverse("people:account")).content.decode()
    assert client.post(reverse("people:two_factor_start")).status_code == 302
    assert not TOTPDevice.objects.exists()


@override_settings(REQUIRE_ADMIN_2FA=True)
def test_when_required_an_admin_without_a_device_is_sent_to_set_one_up(admin_user, viewer):
    client = Client()
    assert sign_in(client, admin_user.username) == reverse("people:account")
    assert "Set up two-factor sign-in" in client.get(reverse("people:account")).content.decode()
    enrol(client)
    assert client.get(reverse("people:list")).status_code == 200
    assert sign_in(Client(), viewer.username) == "403"  # only Admins are asked


def test_deactivating_a_person_signs_out_their_open_browser(admin_user, operator):
    browser = Client()
    browser.post(reverse("login"), {"username": operator.username, "password": PASSWORD})
    assert browser.get(reverse("people:account")).status_code == 200
    admin = Client()
    admin.force_login(admin_user)
    admin.post(reverse("people:active", args=[operator.pk]))
    assert not User.objects.get(pk=operator.pk).is_active
    response = browser.get(reverse("people:account"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    owners = [session.get_decoded().get("_auth_user_id") for session in Session.objects.all()]
    assert str(operator.pk) not in owners and str(admin_user.pk) in owners
