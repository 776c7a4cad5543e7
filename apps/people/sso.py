"""Company single sign-on with OpenID Connect (mozilla-django-oidc): where the provider's endpoints are, and the
backend that turns a provider's answer into a portal person with the role their groups give.

A person is found by the provider's `sub` claim (kept in `SsoIdentity`), or the first time by their verified email,
else created. Their role follows the provider at every sign-in (OIDC_ROLES_CLAIM through OIDC_ROLE_MAP), so the
provider, not the portal's People page, decides it for them.
"""

import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from apps.people import services
from apps.people.models import SsoIdentity
from apps.people.selectors import ROLES

logger = logging.getLogger(__name__)

# The discovery document's name of each endpoint setting mozilla-django-oidc reads.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
DISCOVERY_CACHE_SECONDS = 3600
# Where the backend leaves why it refused, for the callback to tell the person.
REFUSAL_ATTRIBUTE = "sso_refusal"


class SsoUnavailable(Exception):
    """The provider's discovery document could not be read."""


def _discovery() -> dict[str, Any]:
    url = settings.OIDC_OP_DISCOVERY_URL
    key = f"people.oidc.discovery:{url}"
    document = cache.get(key)
    if document is None:
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise SsoUnavailable(f"The sign-in provider's discovery document could not be read: {error}") from error
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def oidc_setting(attr: str, *args: Any) -> Any:
    """A mozilla-django-oidc setting; an endpoint not set on its own comes from OIDC_OP_DISCOVERY_URL (read only when
    a sign-in needs it, so a provider that is down never slows the portal's start or its local sign-in)."""
    if attr in DISCOVERED and not getattr(settings, attr, "") and settings.OIDC_OP_DISCOVERY_URL:
        value = _discovery().get(DISCOVERED[attr])
        if value:
            return value
        if args:
            return args[0]
        raise ImproperlyConfigured(f"The discovery document names no {DISCOVERED[attr]}.")
    if attr in DISCOVERED and not getattr(settings, attr, ""):
        if args:
            return args[0]
        raise ImproperlyConfigured(f"{attr} is not set.")
    return import_from_settings(attr, *args)


def role_from_claims(*, claims: dict[str, Any]) -> str | None:
    """The strongest role the person's groups map to, or None when none does."""
    groups = claims.get(settings.OIDC_ROLES_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    mapped = {settings.OIDC_ROLE_MAP.get(str(group)) for group in groups if isinstance(group, str | int)}
    held = [role for role in ROLES if role in mapped]
    return held[-1] if held else None


class PortalOIDCBackend(OIDCAuthenticationBackend):
    """Answers only the provider's callback (it alone passes `nonce`); every other sign-in passes it by without
    reading a setting, so a portal without SSO, or with its provider down, signs people in with passwords as ever."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.UserModel = get_user_model()

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return oidc_setting(attr, *args)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if not settings.OIDC_ENABLED or request is None or "nonce" not in kwargs:
            return None
        super().__init__()  # the endpoints, now that a sign-in needs them
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def get_user(self, user_id: Any) -> User | None:
        """As Django's ModelBackend: a deactivated person's session no longer signs them in."""
        user = self.UserModel._default_manager.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library checks the signature, the expiry and the nonce; the token must also be for this portal."""
        try:
            payload: dict[str, Any] = super().verify_token(token, **kwargs)
        except jwt.InvalidTokenError as error:  # expired, not yet valid…: refused like a bad signature
            raise SuspiciousOperation(f"The ID token is not valid: {error}") from error
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token is for another client.")
        return payload

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def _refuse(self, reason: str) -> None:
        setattr(self.request, REFUSAL_ATTRIBUTE, reason)

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User | None:
        # Groups are often in the ID token only; the userinfo answer wins where both say something.
        claims = {**payload, **self.get_userinfo(access_token, id_token, payload)}
        if not self.verify_claims(claims):
            self._refuse("The provider did not say who you are.")
            return None
        role = role_from_claims(claims=claims)
        if role is None and settings.OIDC_REQUIRE_ROLE:
            self._refuse("Your company account holds no role in the portal: ask an Admin to add you to a group.")
            return None
        user = self._person_find(claims)
        if user is not None and not user.is_active:
            self._refuse("Your portal account is deactivated.")
            return None
        if user is None:
            return services.person_sso_create(
                subject=str(claims["sub"]),
                username=self._username_new(claims),
                email=str(claims.get("email") or ""),
                role=role,
            )
        return services.person_sso_update(
            user=user, subject=str(claims["sub"]), email=str(claims.get("email") or ""), role=role
        )

    def _person_find(self, claims: dict[str, Any]) -> User | None:
        identity = SsoIdentity.objects.select_related("user").filter(subject=str(claims["sub"])).first()
        if identity is not None:
            return identity.user
        email = claims.get("email")
        # Only an address the provider vouches for may take over an existing account.
        if not email or claims.get("email_verified") is False:
            return None
        matches = list(self.UserModel._default_manager.filter(email__iexact=email, sso_identity__isnull=True)[:2])
        return matches[0] if len(matches) == 1 else None

    def _username_new(self, claims: dict[str, Any]) -> str:
        email = str(claims.get("email") or "")
        base = str(claims.get("preferred_username") or email.split("@")[0] or f"sso-{claims['sub']}")[:140]
        username, number = base, 1
        while self.UserModel._default_manager.filter(username__iexact=username).exists():
            number += 1
            username = f"{base}-{number}"
        return username
