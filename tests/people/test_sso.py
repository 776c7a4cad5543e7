"""Company single sign-on against a real (local) OpenID Connect provider: the sign-in page offers it, roles come
from the provider's groups and follow them at each sign-in, a deactivated person is refused, and an answer that is
not this browser's (a forged state) signs nobody in."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from axes.models import AccessLog
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.core.roles import role_of
from apps.people.services import person_active_set
from tests.people.oidc_provider import CLIENT_ID, CLIENT_SECRET, OidcProvider

pytestmark = pytest.mark.django_db

ROLE_MAP = {"portal-admins": "Admin", "portal-ops": "Operator", "portal-viewers": "Viewer"}


@pytest.fixture
def provider():
    with OidcProvider() as running:
        with override_settings(
            OIDC_ENABLED=True,
            OIDC_RP_CLIENT_ID=CLIENT_ID,
            OIDC_RP_CLIENT_SECRET=CLIENT_SECRET,
            OIDC_OP_DISCOVERY_URL=running.discovery_url,
            OIDC_PROVIDER_NAME="Example SSO",
            OIDC_ROLE_MAP=ROLE_MAP,
        ):
            yield running


def sso_sign_in(client: Client) -> str:
    """The whole round: start, the provider (over HTTP, as a browser would go), back to the callback; where the
    portal sends the browser at the end."""
    start = client.get(reverse("sso:start"))
    assert start.status_code == 302
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == reverse("sso:callback")
    answer = client.get(f"{back.path}?{back.query}")
    assert answer.status_code == 302
    return answer["Location"]


def signed_in_as(client: Client) -> User | None:
    response = client.get(reverse("people:account"))
    return response.wsgi_request.user if response.status_code == 200 else None


def messages_of(client: Client) -> str:
    return client.get(reverse("login")).content.decode()


def test_the_sign_in_page_offers_the_provider_only_when_single_sign_on_is_set_up(client, provider):
    assert "Sign in with Example SSO" in client.get(reverse("login")).content.decode()
    with override_settings(OIDC_ENABLED=False):
        assert "Sign in with Example SSO" not in client.get(reverse("login")).content.decode()
        assert client.get(reverse("sso:start")).status_code == 404


def test_a_new_person_gets_the_role_their_groups_map_to_and_the_sign_in_is_recorded(client, provider):
    provider.person = {
        "sub": "u-100",
        "email": "sam@example.com",
        "preferred_username": "sam",
        "groups": ["portal-ops", "other"],
    }
    assert sso_sign_in(client) == reverse("home")
    user = signed_in_as(client)
    assert user is not None and user.username == "sam" and user.email == "sam@example.com"
    assert role_of(User.objects.get(username="sam")) == "Operator"
    assert not User.objects.get(username="sam").has_usable_password()
    # Recorded as a password sign-in is (django-axes' access log), and the new account is in the audit trail.
    assert AccessLog.objects.filter(username="sam").count() == 1
    event = AuditEvent.objects.get(area="people", object_id=str(user.pk))
    assert "signed in with single sign-on for the first time, as Operator" in event.path
    # The password is the provider's: the account page says so instead of offering a form.
    page = client.get(reverse("people:account")).content.decode()
    assert "You sign in with <strong>Example SSO</strong>" in page and "Change the password" not in page


def test_a_role_change_in_the_provider_applies_at_the_next_sign_in(client, provider):
    provider.person = {"sub": "u-200", "email": "kim@example.com", "groups": ["portal-viewers"]}
    sso_sign_in(client)
    assert role_of(User.objects.get(email="kim@example.com")) == "Viewer"
    provider.person = {"sub": "u-200", "email": "kim@example.com", "groups": ["portal-viewers", "portal-admins"]}
    sso_sign_in(Client())
    assert role_of(User.objects.get(email="kim@example.com")) == "Admin"
    provider.person = {"sub": "u-200", "email": "kim@example.com", "groups": []}
    other = Client()
    sso_sign_in(other)
    kim = User.objects.get(email="kim@example.com")
    assert role_of(kim) is None and other.get(reverse("people:list")).status_code == 403
    changes = AuditEvent.objects.filter(area="people", object_id=str(kim.pk)).order_by("pk")
    assert [event.after["role"] for event in changes] == ["Viewer", "Admin", None]


def test_an_existing_local_account_is_matched_by_its_verified_email(client, provider, viewer):
    viewer.email = "vera@example.com"
    viewer.save()
    provider.person = {"sub": "u-300", "email": "vera@example.com", "email_verified": True, "groups": ["portal-ops"]}
    sso_sign_in(client)
    assert signed_in_as(client).pk == viewer.pk
    assert role_of(User.objects.get(pk=viewer.pk)) == "Operator"
    assert User.objects.count() == 1


def test_without_a_mapped_role_the_sign_in_is_refused_when_a_role_is_required(client, provider):
    provider.person = {"sub": "u-400", "email": "lee@example.com", "groups": ["elsewhere"]}
    with override_settings(OIDC_REQUIRE_ROLE=True):
        assert sso_sign_in(client) == reverse("login")
    assert signed_in_as(client) is None and not User.objects.filter(email="lee@example.com").exists()
    assert "holds no role in the portal" in messages_of(client)


def test_a_deactivated_person_is_refused_and_their_open_session_ends(client, provider, admin_user):
    provider.person = {"sub": "u-500", "email": "max@example.com", "groups": ["portal-viewers"]}
    sso_sign_in(client)
    max_user = User.objects.get(email="max@example.com")
    assert signed_in_as(client) is not None
    person_active_set(actor=admin_user, user=max_user, active=False)
    assert signed_in_as(client) is None  # the browser left open is signed out at its next request
    again = Client()
    assert sso_sign_in(again) == reverse("login")
    assert signed_in_as(again) is None
    assert "Your portal account is deactivated." in messages_of(again)


def test_a_forged_state_signs_nobody_in(client, provider):
    provider.person = {"sub": "u-600", "email": "eve@example.com", "groups": ["portal-admins"]}
    start = client.get(reverse("sso:start"))
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
    query = parse_qs(urlsplit(at_provider.headers["Location"]).query)
    forged = client.get(reverse("sso:callback"), {"code": query["code"][0], "state": "not-the-state-we-sent"})
    assert forged.status_code == 302 and forged["Location"] == reverse("login")
    assert signed_in_as(client) is None and not User.objects.filter(email="eve@example.com").exists()
    assert "could not be checked" in messages_of(client)
    # The code never reached the token endpoint; and a browser that never started a sign-in is refused too.
    assert provider.token_requests == []
    stranger = Client()
    stranger.get(reverse("sso:callback"), {"code": query["code"][0], "state": query["state"][0]})
    assert signed_in_as(stranger) is None


def test_a_nonce_that_does_not_match_signs_nobody_in(client, provider):
    provider.person = {"sub": "u-700", "email": "nia@example.com", "groups": ["portal-admins"]}
    start = client.get(reverse("sso:start"))
    location = start["Location"].replace("nonce=", "nonce=replayed")
    at_provider = requests.get(location, allow_redirects=False, timeout=5)
    back = urlsplit(at_provider.headers["Location"])
    assert client.get(f"{back.path}?{back.query}")["Location"] == reverse("login")
    assert signed_in_as(client) is None and not User.objects.filter(email="nia@example.com").exists()
