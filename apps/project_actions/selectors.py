"""Reads for the project's administration page; the project itself comes from apps.connections.selectors."""

from apps.connections.context import PostHogContext
from apps.posthog.client import api_path


def project_path(context: PostHogContext, *rest: str) -> str:
    """The current project under its organization, where PostHog serves the project's token actions."""
    return api_path("organizations", context.organization_id, "projects", context.project_id, *rest)


def demo_data_generating(*, context: PostHogContext) -> bool:
    answer = context.client.get(project_path(context, "is_generating_demo_data"))
    return bool(answer.get("is_generating_demo_data")) if isinstance(answer, dict) else False
