"""Writes to the organization's roles; the client audits each in the signed-in person's name."""

from apps.connections.context import PostHogContext
from apps.posthog.created import created_finder
from apps.roles.paths import role_path


def role_create(*, context: PostHogContext, name: str) -> dict:
    data = {"name": name}
    # ee/api/rbac/role.py: some versions filter the list by every query parameter, so the first page is read
    # without any (REAL-BEHAVIOUR.md section 9); a role's name is unique in its organization.
    find = created_finder(client=context.client, path=role_path(context), sent=data, fields=("name",))
    return context.client.post(role_path(context), json=data, find_created=find)


def role_update(*, context: PostHogContext, role_id: str, data: dict) -> dict:
    return context.client.patch(role_path(context, role_id), json=data, capture_before=True)


def role_delete(*, context: PostHogContext, role_id: str) -> None:
    context.client.delete(role_path(context, role_id), capture_before=True)
