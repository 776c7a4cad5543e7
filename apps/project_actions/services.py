"""The project's token actions and onboarding. Every write is audited by the client in the signed-in person's
name; the tokens in PostHog's answers sit under `*token*` keys, which the audit trail masks."""

from apps.connections.context import PostHogContext
from apps.project_actions.selectors import project_path


def project_token_reset(*, context: PostHogContext) -> dict:
    """A new project API token (`api_token`); the old one stops being accepted at once."""
    return context.client.patch(project_path(context, "reset_token"), json={})


def project_secret_token_rotate(*, context: PostHogContext) -> dict:
    """A new secret token, answered in full this once; the old one becomes the backup."""
    return context.client.patch(project_path(context, "rotate_secret_token"), json={})


def project_secret_token_backup_delete(*, context: PostHogContext) -> dict:
    return context.client.patch(project_path(context, "delete_secret_token_backup"), json={})


def project_conversations_token_generate(*, context: PostHogContext) -> dict:
    """A new public token for the conversations widget, replacing any earlier one."""
    return context.client.post(project_path(context, "generate_conversations_public_token"), json={})


def project_onboarding_complete(*, context: PostHogContext, product_type: str) -> dict:
    return context.client.patch(
        project_path(context, "complete_product_onboarding"), json={"product_type": product_type}
    )
