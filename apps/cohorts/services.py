"""Writes to the project's cohorts, through the connection's client, which audits them in the signed-in person's
name."""

from apps.connections.context import PostHogContext
from apps.posthog.client import api_path


def cohort_create(*, context: PostHogContext, data: dict) -> dict:
    """A static cohort (`is_static`, `_create_static_person_ids`) or a dynamic one (`filters`); PostHog files it
    in `_create_in_folder`, or under Unfiled/Cohorts."""
    return context.client.post(api_path("projects", context.project_id, "cohorts"), json=data)
