"""Where PostHog serves the organization's roles: the one place their path is written."""

from apps.connections.context import PostHogContext
from apps.posthog.client import api_path


def role_path(context: PostHogContext, *rest: str) -> str:
    """`/api/organizations/<org>/roles/…`: roles belong to the organization, not to a project."""
    return api_path("organizations", context.organization_id, "roles", *rest)
