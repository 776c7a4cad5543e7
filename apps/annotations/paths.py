"""Where the project's annotations live in PostHog's API, written once for the reads and the writes."""

from apps.posthog.client import api_path


def annotations_path(project_id: str | int, *rest: str | int) -> str:
    """`/api/projects/<project>/annotations/…`: annotations belong to a project."""
    return api_path("projects", project_id, "annotations", *rest)
