"""Reads of the picked environment's project secret API keys (PostHog serves them only per environment)."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.dateparse import parse_datetime

from apps.connections.context import PostHogContext
from apps.connections.selectors import scope_options
from apps.posthog.client import api_path

# PostHog refuses an eleventh key per environment.
MAX_KEYS = 10


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
    return list(context.client.paginate(secret_keys_path(context), params={"limit": 100}, max_items=100))


def secret_key_get(*, context: PostHogContext, key_id: str) -> dict:
    return context.client.get(secret_keys_path(context, key_id))


def secret_key_rows(*, context: PostHogContext) -> list[SecretKeyRow]:
    """Newest first, creators named: PostHog answers only a user id, and a key created through the API is its
    key owner's, so the connection's own user names most of them."""
    keys = secret_key_list(context=context)
    owner = context.client.get(api_path("users", "@me")) if keys else {}
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


def _creator(user_id, owner: dict) -> str:
    if user_id is None:
        return ""
    if isinstance(owner, dict) and owner.get("id") == user_id:
        full_name = " ".join(str(owner.get(part) or "") for part in ("first_name", "last_name")).strip()
        return full_name or str(owner.get("email") or f"User {user_id}")
    return f"User {user_id}"


def _when(value) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None
