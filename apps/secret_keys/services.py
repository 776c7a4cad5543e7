"""Writes to the picked environment's project secret API keys.

PostHog answers a key's `value` on create and roll only; `SECRET_FIELDS` keeps it out of the audit trail,
which the client writes in the signed-in person's name.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from apps.connections.context import PostHogContext
from apps.core.bulk import Planned, Result, bulk_apply
from apps.posthog.created import created_finder
from apps.posthog.errors import SecretNotShown, ValidationError
from apps.secret_keys.paths import secret_keys_path
from apps.secret_keys.selectors import RevealedKey, secret_key_of

SECRET_FIELDS = frozenset({"value"})


def secret_key_create(*, context: PostHogContext, label: str, scopes: list[str]) -> RevealedKey:
    """The key with its `value`, which nothing may keep."""
    data = {"label": label, "scopes": scopes}
    # posthog/api/project_secret_api_key.py: the list is newest first (`-created_at`); a label is unique per project.
    find = created_finder(client=context.client, path=secret_keys_path(context), sent=data, fields=("label",))
    with _label_named():
        answer = context.client.post(secret_keys_path(context), json=data, secret_keys=SECRET_FIELDS, find_created=find)
    if not answer.get("value"):
        # Its answer was lost and the key read back: PostHog never shows a secret again, only a roll makes a new one.
        raise SecretNotShown(label=label)
    return _revealed(answer)


def secret_key_update(*, context: PostHogContext, key_id: str, data: dict) -> dict:
    """`data` holds what changed of `label` and `scopes` (a PATCH: PostHog leaves the rest as it is)."""
    with _label_named():
        return context.client.patch(
            secret_keys_path(context, key_id),
            json=data,
            capture_before=True,
            secret_keys=SECRET_FIELDS,
        )


def secret_key_roll(*, context: PostHogContext, key_id: str) -> RevealedKey:
    """A new value replaces the old one at once; the key with the new `value`."""
    answer = context.client.post(secret_keys_path(context, key_id, "roll"), json={}, secret_keys=SECRET_FIELDS)
    return _revealed(answer)


def secret_key_delete(*, context: PostHogContext, key_id: str) -> None:
    context.client.delete(secret_keys_path(context, key_id), capture_before=True)


def secret_key_delete_many(*, context: PostHogContext, plan: Sequence[Planned]) -> list[Result]:
    """The bulk revoke: each key of `plan` that changes goes through secret_key_delete, once (the client audits
    each, and settles one whose answer was lost rather than sending it again); a result per key."""
    return bulk_apply(plan, lambda key_id: secret_key_delete(context=context, key_id=key_id))


def _revealed(answer: dict) -> RevealedKey:
    return RevealedKey(key=secret_key_of(answer), value=str(answer.get("value") or ""))


@contextmanager
def _label_named() -> Iterator[None]:
    """PostHog words a taken label ("…with label 'x' already exists.") without naming the field: named here, so the
    refusal lands on the label like any other; its other refusals (its limit of keys) stay unnamed."""
    try:
        yield
    except ValidationError as error:
        if error.attr is None and "label" in error.detail.casefold():
            error.attr = "label"
        raise
