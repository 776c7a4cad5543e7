"""Where PostHog serves the project's token actions: the one place their path is written."""

from apps.connections.context import PostHogContext
from apps.posthog.client import api_path


def project_path(context: PostHogContext, *rest: str) -> str:
    """The current project under its organization (`/api/organizations/<org>/projects/<project>/…`)."""
    return api_path("organizations", context.organization_id, "projects", context.project_id, *rest)
