"""Reads of the organization's roles."""

from dataclasses import dataclass
from datetime import datetime

from apps.connections.context import PostHogContext
from apps.posthog.values import moment, person_name
from apps.roles.paths import role_path

MAX_ROLES = 500


@dataclass(frozen=True)
class Role:
    """A role of the organization, its members sorted by name."""

    id: str
    name: str
    is_default: bool
    members: list["Member"]
    created_at: datetime | None
    created_by: str


@dataclass(frozen=True)
class Member:
    """A member of the role, as its pages list them."""

    name: str
    email: str
    joined_at: datetime | None


def role_list(*, context: PostHogContext) -> list[Role]:
    # The first page is asked for without any query parameter, then `next` is followed: the 2024-2025 versions
    # filter roles by every query parameter (ee/api/rbac/role.py), so `?limit=` answers a 500 there.
    roles = context.client.paginate(role_path(context), max_items=MAX_ROLES)
    return sorted((_role(role) for role in roles), key=lambda role: role.name.casefold())


def role_get(*, context: PostHogContext, role_id: str) -> Role:
    return _role(context.client.get(role_path(context, role_id)))


def _role(role: dict) -> Role:
    # PostHog's schema types `members` as a string; what it sends is a list of memberships.
    memberships = role.get("members") if isinstance(role.get("members"), list) else []
    return Role(
        id=str(role["id"]),
        name=str(role.get("name") or ""),
        is_default=role.get("is_default") is True,
        members=sorted(
            (_member(membership) for membership in memberships or [] if isinstance(membership, dict)),
            key=lambda member: member.name.casefold(),
        ),
        created_at=moment(role.get("created_at")),
        created_by=person_name(role.get("created_by")),
    )


def _member(membership: dict) -> Member:
    user = membership.get("user")
    if not isinstance(user, dict):
        member = membership.get("organization_member")
        user = member.get("user") if isinstance(member, dict) else {}
    return Member(
        name=person_name(user) or "Unknown member",
        email=str(user.get("email") or "") if isinstance(user, dict) else "",
        joined_at=moment(membership.get("joined_at")),
    )
