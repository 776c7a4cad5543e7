"""Writes to an insight's or recording's sharing; the client audits each in the signed-in person's name."""

from apps.connections.context import PostHogContext
from apps.sharing.kinds import Kind

# Named here as well as by the audit's own rule, so no rename upstream can let a password through.
PASSWORD_KEYS = frozenset({"raw_password", "password"})


def sharing_update(*, context: PostHogContext, kind: Kind, item_id: str, data: dict) -> dict:
    """`enabled` and `password_required`; answers the whole configuration."""
    return context.client.patch(kind.path(context, item_id, "sharing"), json=data, capture_before=True)


def sharing_refresh(*, context: PostHogContext, kind: Kind, item_id: str) -> dict:
    """A new access token: the old link stops working. Answers the new configuration."""
    return context.client.post(kind.path(context, item_id, "sharing", "refresh"), json={})


def sharing_password_create(
    *, context: PostHogContext, kind: Kind, item_id: str, note: str, raw_password: str = ""
) -> dict:
    """Answers {id, password, note, created_at, created_by_email}: the only time PostHog tells the password.
    Without `raw_password` PostHog makes one up."""
    data = {"note": note, **({"raw_password": raw_password} if raw_password else {})}
    return context.client.post(
        kind.path(context, item_id, "sharing", "passwords"), json=data, secret_keys=PASSWORD_KEYS
    )


def sharing_password_delete(*, context: PostHogContext, kind: Kind, item_id: str, password_id: str) -> None:
    context.client.delete(kind.path(context, item_id, "sharing", "passwords", password_id))
