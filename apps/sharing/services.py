"""Writes to an insight's or recording's sharing; the client audits each in the signed-in person's name."""

from typing import Any

from apps.connections.context import PostHogContext
from apps.posthog.created import created_finder
from apps.sharing.kinds import Kind
from apps.sharing.selectors import NewPassword, new_password_of

# Named here as well as by the audit's own rule, so no rename upstream can let a password through.
PASSWORD_KEYS = frozenset({"raw_password", "password"})


def sharing_update(*, context: PostHogContext, kind: Kind, item_id: str, data: dict[str, bool]) -> Any:
    """`enabled` and `password_required`; answers the whole configuration."""
    return context.client.patch(kind.path(context, item_id, "sharing"), json=data, capture_before=True)


def sharing_refresh(*, context: PostHogContext, kind: Kind, item_id: str) -> Any:
    """A new access token: the old link stops working. Answers the new configuration."""
    return context.client.post(kind.path(context, item_id, "sharing", "refresh"), json={})


def sharing_password_create(
    *, context: PostHogContext, kind: Kind, item_id: str, note: str, raw_password: str = ""
) -> NewPassword | None:
    """The password added, the only time PostHog tells it. Without `raw_password` PostHog makes one up.

    When the answer is lost, the password is looked for among the configuration's passwords (posthog/api/sharing.py:
    create_password saves it before answering; SharingConfigurationSerializer lists the active ones as
    `share_passwords`, each `id`, `created_at`, `note`, `created_by_email`, `is_active`, never the password): the
    newest made since the write began with this note settles it as added, none as not added. What is found has no
    password, so the page says PostHog added it without sending it back, to be deleted and added again."""
    data = {"note": note, **({"raw_password": raw_password} if raw_password else {})}
    find = created_finder(
        client=context.client,
        path=kind.path(context, item_id, "sharing"),
        sent=data,
        fields=("note",),
        listed_in="share_passwords",
    )
    answer = context.client.post(
        kind.path(context, item_id, "sharing", "passwords"), json=data, secret_keys=PASSWORD_KEYS, find_created=find
    )
    return new_password_of(answer)


def sharing_password_delete(*, context: PostHogContext, kind: Kind, item_id: str, password_id: str) -> None:
    context.client.delete(kind.path(context, item_id, "sharing", "passwords", password_id))
