"""Writes to the organization's roles; the client audits each in the signed-in person's name."""

from apps.connections.context import PostHogContext
from apps.roles.paths import role_path


def role_create(*, context: PostHogContext, name: str) -> dict:
    return context.client.post(role_path(context), json={"name": name})


def role_update(*, context: PostHogContext, role_id: str, data: dict) -> dict:
    return context.client.patch(role_path(context, role_id), json=data, capture_before=True)


def role_delete(*, context: PostHogContext, role_id: str) -> None:
    context.client.delete(role_path(context, role_id), capture_before=True)
