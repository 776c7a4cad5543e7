"""Where the project's hog functions live in PostHog's API, written once for the reads and the writes."""

import uuid

from apps.posthog.client import api_path


def hog_functions_path(project_id: str | int, *rest: str | int) -> str:
    """`/api/projects/<project>/hog_functions/…`: hog functions belong to a project (its environment)."""
    return api_path("projects", project_id, "hog_functions", *rest)


def function_ids(values: list[str]) -> list[str]:
    """The hog function ids among `values` (from a query string), as PostHog's paths take them: UUIDs, lower case,
    each once; anything else is left out, so it never reaches a PostHog path."""
    found: list[str] = []
    for value in values:
        try:
            function_id = str(uuid.UUID(value))
        except ValueError:
            continue
        if function_id not in found:
            found.append(function_id)
    return found
