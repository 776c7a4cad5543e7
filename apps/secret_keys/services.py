"""Writes to the picked environment's project secret API keys.

PostHog answers a key's `value` on create and roll only; `SECRET_FIELDS` keeps it out of the audit trail,
which the client writes in the signed-in person's name.
"""

from apps.connections.context import PostHogContext
from apps.secret_keys.selectors import secret_keys_path

SECRET_FIELDS = frozenset({"value"})


def secret_key_create(*, context: PostHogContext, label: str, scopes: list[str]) -> dict:
    """Answers the key with its `value`, which nothing may keep."""
    return context.client.post(
        secret_keys_path(context), json={"label": label, "scopes": scopes}, secret_keys=SECRET_FIELDS
    )


def secret_key_update(*, context: PostHogContext, key_id: str, label: str, scopes: list[str]) -> dict:
    return context.client.patch(
        secret_keys_path(context, key_id),
        json={"label": label, "scopes": scopes},
        capture_before=True,
        secret_keys=SECRET_FIELDS,
    )


def secret_key_roll(*, context: PostHogContext, key_id: str) -> dict:
    """A new value replaces the old one at once; answers the key with the new `value`."""
    return context.client.post(secret_keys_path(context, key_id, "roll"), json={}, secret_keys=SECRET_FIELDS)


def secret_key_delete(*, context: PostHogContext, key_id: str) -> None:
    context.client.delete(secret_keys_path(context, key_id), capture_before=True)
