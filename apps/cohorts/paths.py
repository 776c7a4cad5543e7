"""Where the project's cohorts live in PostHog's API, written once for the reads and the writes."""

from apps.posthog.client import api_path


def cohorts_path(project_id: str | int, *rest: str | int) -> str:
    """`/api/projects/<project>/cohorts/…`: cohorts belong to a project."""
    return api_path("projects", project_id, "cohorts", *rest)
