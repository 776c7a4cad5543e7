"""Where the project's hog functions live in PostHog's API, written once for the reads and the writes."""

from apps.posthog.client import api_path


def hog_functions_path(project_id: str | int, *rest: str | int) -> str:
    """`/api/projects/<project>/hog_functions/…`: hog functions belong to a project (its environment)."""
    return api_path("projects", project_id, "hog_functions", *rest)
