"""The project's token actions and onboarding. Every write is audited by the client in the signed-in person's
name; the tokens in PostHog's answers sit under `*token*` keys, which the audit trail masks."""

from collections.abc import Callable
from typing import Any

from apps.connections.context import PostHogContext
from apps.project_actions.actions import TokenAction
from apps.project_actions.paths import project_path
from apps.project_actions.selectors import token_in


def project_token_reset(*, context: PostHogContext) -> Any:
    """A new project API token (`api_token`); the old one stops being accepted at once."""
    return context.client.patch(project_path(context, "reset_token"), json={})


def project_secret_token_rotate(*, context: PostHogContext) -> Any:
    """A new secret token, answered in full this once; the old one becomes the backup."""
    return context.client.patch(project_path(context, "rotate_secret_token"), json={})


def project_secret_token_backup_delete(*, context: PostHogContext) -> Any:
    return context.client.patch(project_path(context, "delete_secret_token_backup"), json={})


def project_conversations_token_generate(*, context: PostHogContext) -> Any:
    """A new public token for the conversations widget, replacing any earlier one."""
    return context.client.post(project_path(context, "generate_conversations_public_token"), json={})


# Each token action (apps.project_actions.actions) by PostHog's name for it.
TOKEN_WRITES: dict[str, Callable[..., Any]] = {
    "reset_token": project_token_reset,
    "rotate_secret_token": project_secret_token_rotate,
    "delete_secret_token_backup": project_secret_token_backup_delete,
    "generate_conversations_public_token": project_conversations_token_generate,
}


def project_token_action_run(*, context: PostHogContext, action: TokenAction) -> str:
    """Runs a token action; the new token where PostHog answers one (shown once, kept nowhere), else ""."""
    return token_in(TOKEN_WRITES[action.name](context=context), action)


def project_onboarding_complete(*, context: PostHogContext, product_type: str) -> Any:
    return context.client.patch(
        project_path(context, "complete_product_onboarding"), json={"product_type": product_type}
    )
