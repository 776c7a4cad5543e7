"""Reads of the picked environment's project secret API keys (PostHog serves them only per environment)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from apps.connections.cached import KEY_OWNER, cached_read
from apps.connections.context import PostHogContext
from apps.connections.selectors import scope_options
from apps.posthog.client import api_path
from apps.posthog.errors import PostHogError
from apps.posthog.values import moment, person_name
from apps.secret_keys.paths import secret_keys_path

# How many keys the list reads. PostHog's own limit per environment differs between versions (10, then 50): the
# portal never assumes it, and shows PostHog's refusal when one is reached.
MAX_LISTED = 200


@dataclass(frozen=True)
class SecretKey:
    """A key as the pages show it: never its value, which PostHog answers only on create and roll."""

    id: str
    label: str
    mask_value: str
    scopes: list[str]
    creator: str
    created_at: datetime | None
    last_used_at: datetime | None
    last_rolled_at: datetime | None


@dataclass(frozen=True)
class RevealedKey:
    """A key just created or rolled, with the value PostHog answers this once (nothing may keep it)."""

    key: SecretKey
    value: str


def secret_key_list(*, context: PostHogContext) -> list[SecretKey]:
    """Newest first, creators named: newer PostHog answers the creator as a user, older versions only its id (then
    the key owner, read from users/@me where the key may, names the keys it made; the rest read "user 12")."""
    keys = _keys(context)
    owner = _owner(context) if any(isinstance(key.get("created_by"), int) for key in keys) else {}
    return [secret_key_of(key, owner=owner) for key in keys]


def secret_key_get(*, context: PostHogContext, key_id: str) -> SecretKey:
    return secret_key_of(context.client.get(secret_keys_path(context, key_id)))


def secret_key_label_taken(*, context: PostHogContext, label: str) -> bool:
    """Whether a key of the environment has this label already."""
    return any(str(key.get("label")) == label for key in _keys(context))


def environment_name_get(*, context: PostHogContext) -> str:
    """The picked environment's name, from the switcher's (cached) lists."""
    names = dict(scope_options(context=context).environments)
    return names.get(str(context.environment_id), str(context.environment_id))


def secret_key_of(key: dict, *, owner: dict | None = None) -> SecretKey:
    """A key as PostHog answers it (a list's entry, a read, or a write's answer)."""
    return SecretKey(
        id=str(key["id"]),
        label=str(key.get("label") or ""),
        mask_value=str(key.get("mask_value") or ""),
        scopes=[str(scope) for scope in key.get("scopes") or []],
        creator=_creator(key.get("created_by"), owner or {}),
        created_at=moment(key.get("created_at")),
        last_used_at=moment(key.get("last_used_at")),
        last_rolled_at=moment(key.get("last_rolled_at")),
    )


def _keys(context: PostHogContext) -> list[dict]:
    return list(context.client.paginate(secret_keys_path(context), params={"limit": 100}, max_items=MAX_LISTED))


def _owner(context: PostHogContext) -> dict:
    """The key owner, where the key may read it (users/@me needs the user:read scope): optional. Kept briefly: a
    key's owner does not change (a new key is another cache entry)."""
    try:
        return cached_read(context=context, name=KEY_OWNER, read=lambda: _owner_read(context))
    except PostHogError:
        return {}


def _owner_read(context: PostHogContext) -> dict:
    owner = context.client.get(api_path("users", "@me"))
    # Only what names the person: the rest of PostHog's answer (their teams, settings) is not kept.
    return (
        {name: owner.get(name) for name in ("id", "first_name", "last_name", "email")}
        if isinstance(owner, dict)
        else {}
    )


def _creator(created_by: Any, owner: dict) -> str:
    """Older versions name the creator by its user id: the owner's name when it is theirs, else "user 12"."""
    if isinstance(created_by, int) and not isinstance(created_by, bool):
        return (owner.get("id") == created_by and person_name(owner)) or f"user {created_by}"
    return person_name(created_by)
