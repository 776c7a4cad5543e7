"""Writes to the project's cohorts, through the connection's client, which audits them in the signed-in person's
name."""

from typing import Any

from apps.cohorts.paths import cohorts_path
from apps.cohorts.selectors import Cohort, cohort_from
from apps.connections.context import PostHogContext
from apps.posthog.created import created_finder


def cohort_create(*, context: PostHogContext, data: dict[str, Any]) -> Cohort:
    """A static cohort (`is_static`, `_create_static_person_ids`) or a dynamic one (`filters`); PostHog files it
    in `_create_in_folder`, or under Unfiled/Cohorts. Answers the cohort PostHog made."""
    path = cohorts_path(context.project_id)
    # posthog/api/cohort.py: the list is newest first (`-created_at`) and `search` filters on the name.
    find = created_finder(
        client=context.client, path=path, sent=data, fields=("name", "is_static"), params={"search": data.get("name")}
    )
    return cohort_from(context.client.post(path, json=data, find_created=find))
