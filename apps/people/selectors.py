"""Reads about the portal's people: who they are, which role they hold, the time zone they chose."""

import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.db.models import Q
from django.utils.http import urlsafe_base64_decode

from apps.core.roles import ROLE_PERMISSIONS
from apps.people.models import UTC_NAME, Preference

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
    )


def people_list() -> list[PersonRow]:
    """Everyone, active people first, then by name; deactivated people stay (the audit trail names them)."""
    users = User.objects.prefetch_related("groups").order_by("-is_active", "username")
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
