"""Reads of the picked environment's project secret API keys (PostHog serves them only per environment)."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.dateparse import parse_datetime

from apps.connections.context import PostHogContext
from apps.connections.selectors import scope_options
from apps.core.people import person_name
from apps.posthog.client import api_path
from apps.posthog.errors import PostHogError

# How many keys the list reads. PostHog's own limit per environment differs between versions (10, then 50): the
# portal never assumes it, and shows PostHog's refusal when one is reached.
MAX_LISTED = 200


@dataclass(frozen=True)
class SecretKeyRow:
    """A key as the list shows it: never its value, which PostHog answers only on create and roll."""

    id: str
    label: str
    mask_value: str
    scopes: list[str]
    creator: str
    created_at: datetime | None
    last_used_at: datetime | None
    last_rolled_at: datetime | None


def secret_keys_path(context: PostHogContext, *rest: str) -> str:
    return context.environment_path("project_secret_api_keys", *rest)


def secret_key_list(*, context: PostHogContext) -> list[dict]:
    return list(context.client.paginate(secret_keys_path(context), params={"limit": 100}, max_items=MAX_LISTED))


def secret_key_get(*, context: PostHogContext, key_id: str) -> dict:
    return context.client.get(secret_keys_path(context, key_id))


def secret_key_rows(*, context: PostHogContext) -> list[SecretKeyRow]:
    """Newest first, creators named: newer PostHog answers the creator as a user, older versions only its id (then
    the key owner, read from users/@me where the key may, names the keys it made; the rest read "user 12")."""
    keys = secret_key_list(context=context)
    owner = _owner(context) if any(isinstance(key.get("created_by"), int) for key in keys) else {}
    return [
        SecretKeyRow(
            id=str(key["id"]),
            label=str(key.get("label") or ""),
            mask_value=str(key.get("mask_value") or ""),
            scopes=[str(scope) for scope in key.get("scopes") or []],
            creator=_creator(key.get("created_by"), owner),
            created_at=_when(key.get("created_at")),
            last_used_at=_when(key.get("last_used_at")),
            last_rolled_at=_when(key.get("last_rolled_at")),
        )
        for key in keys
    ]


def environment_name(*, context: PostHogContext) -> str:
    """The picked environment's name, from the switcher's (cached) lists."""
    names = dict(scope_options(context=context).environments)
    return names.get(str(context.environment_id), str(context.environment_id))


def _owner(context: PostHogContext) -> dict:
    """The key owner, where the key may read it (users/@me needs the user:read scope): optional."""
    try:
        owner = context.client.get(api_path("users", "@me"))
    except PostHogError:
        return {}
    return owner if isinstance(owner, dict) else {}


def _creator(created_by, owner: dict) -> str:
    if isinstance(created_by, int) and not isinstance(created_by, bool) and owner.get("id") == created_by:
        return person_name(owner) or person_name(created_by)
    return person_name(created_by)


def _when(value) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None
