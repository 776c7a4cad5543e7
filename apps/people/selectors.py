"""Reads about the portal's people: who they are, which role they hold, the time zone they chose."""

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.db.models import Exists, OuterRef, Q
from django.utils.http import urlsafe_base64_decode
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.core.roles import ROLE_PERMISSIONS
from apps.people.models import UTC_NAME, Preference, SsoIdentity

ROLES: tuple[str, ...] = tuple(ROLE_PERMISSIONS)  # Viewer, Operator, Admin: weakest first


@dataclass(frozen=True)
class PersonRow:
    pk: int
    username: str
    email: str
    role: str | None
    is_active: bool
    last_login: datetime | None
    date_joined: datetime
    has_password: bool
    two_factor: bool  # a confirmed authenticator: password sign-in asks for its code
    sso: bool  # signs in through the company's provider, which decides their role


def person_role(*, user: User) -> str | None:
    """The strongest role a person holds, read from their groups (a superuser counts as an Admin, as
    `apps.core.roles.role_of` says), without asking the permission tables once per person."""
    if user.is_superuser:
        return "Admin"
    held = {group.name for group in user.groups.all()}
    strongest = [role for role in ROLES if role in held]
    return strongest[-1] if strongest else None


def person_row(*, user: User) -> PersonRow:
    return PersonRow(
        pk=user.pk,
        username=user.get_username(),
        email=user.email,
        role=person_role(user=user),
        is_active=user.is_active,
        last_login=user.last_login,
        date_joined=user.date_joined,
        has_password=user.has_usable_password(),
        two_factor=_annotated(user, "has_two_factor", lambda: two_factor_on(user=user)),
        sso=_annotated(user, "has_sso", lambda: SsoIdentity.objects.filter(user=user).exists()),
    )


def _annotated(user: User, name: str, otherwise: Callable[[], bool]) -> bool:
    """What the list annotated in its one query, else asked for this person alone."""
    value = getattr(user, name, None)
    return bool(value) if value is not None else otherwise()


def two_factor_on(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_pending(*, user: User) -> TOTPDevice | None:
    """The authenticator being set up (scanned, its first code not yet given)."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def two_factor_offered(*, user: User) -> bool:
    """Two-factor sign-in guards local Admin passwords; single sign-on people get theirs from the provider."""
    return (
        user.has_usable_password()
        and person_role(user=user) == "Admin"
        and not SsoIdentity.objects.filter(user=user).exists()
    )


def sso_provider_name() -> str | None:
    """What the sign-in page's single sign-on button names, or None when single sign-on is off."""
    return settings.OIDC_PROVIDER_NAME if settings.OIDC_ENABLED else None


def people_list() -> list[PersonRow]:
    """Everyone, active people first, then by name; deactivated people stay (the audit trail names them)."""
    users = (
        User.objects.prefetch_related("groups")
        .annotate(
            has_two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            has_sso=Exists(SsoIdentity.objects.filter(user=OuterRef("pk"))),
        )
        .order_by("-is_active", "username")
    )
    return [person_row(user=user) for user in users]


def person_get(*, pk: int) -> User | None:
    return User.objects.prefetch_related("groups").filter(pk=pk).first()


def admins_active() -> list[int]:
    """The ids of the active people who hold the Admin role (or are superusers)."""
    query = Q(is_superuser=True) | Q(groups__name="Admin")
    return list(User.objects.filter(query, is_active=True).values_list("pk", flat=True).distinct())


def preference_time_zone(*, user: User) -> str:
    """The zone a person chose, UTC when they never chose or the zone no longer exists on this server."""
    name = Preference.objects.filter(user=user).values_list("time_zone", flat=True).first()
    return name if name and name in time_zones() else UTC_NAME


@cache
def time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone_choices() -> list[tuple[str, str]]:
    """UTC first (the default, where every time on the pages used to be), then every zone by name."""
    return [(UTC_NAME, UTC_NAME)] + [(name, name.replace("_", " ")) for name in sorted(time_zones() - {UTC_NAME})]


def email_configured() -> bool:
    """Links can be emailed only where the server was given a mail server (EMAIL_HOST, portal/settings.py)."""
    return bool(getattr(settings, "PORTAL_EMAIL_ENABLED", False))


def person_from_link(*, uidb64: str, token: str) -> User | None:
    """The active person a one-time sign-in link is for, or None when it is not (or no longer) valid."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user
