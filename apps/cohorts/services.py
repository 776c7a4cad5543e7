"""Writes to the project's cohorts, through the connection's client, which audits them in the signed-in person's
name."""

from typing import Any

from apps.cohorts.paths import cohorts_path
from apps.cohorts.selectors import Cohort, cohort_from
from apps.connections.context import PostHogContext


def cohort_create(*, context: PostHogContext, data: dict[str, Any]) -> Cohort:
    """A static cohort (`is_static`, `_create_static_person_ids`) or a dynamic one (`filters`); PostHog files it
    in `_create_in_folder`, or under Unfiled/Cohorts. Answers the cohort PostHog made."""
    return cohort_from(context.client.post(cohorts_path(context.project_id), json=data))
