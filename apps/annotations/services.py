"""Writes to the project's annotations; the client audits each in the signed-in person's name. Each answers the
annotation as PostHog kept it."""

from collections.abc import Sequence
from typing import Any

from apps.annotations.paths import annotations_path
from apps.annotations.selectors import Annotation, annotation_from
from apps.connections.context import PostHogContext
from apps.core.bulk import Planned, Result, bulk_apply
from apps.posthog.created import created_finder
from apps.posthog.kept import fields_unkept

# Where an annotation shows: PostHog's newest serializer takes `dashboard_id`, some versions' answer it read-only
# (openapi.yaml of Nov 2025) and would drop it without a word; ChangeNotKept then says so.
PLACED_BY = ("scope", "dashboard_item", "dashboard_id")


def annotation_create(*, context: PostHogContext, data: dict[str, Any]) -> Annotation:
    path = annotations_path(context.project_id)
    # posthog/api/annotation.py: the list is ordered by date_marker, 1,000 a page, and `search` filters on content.
    find = created_finder(
        client=context.client,
        path=path,
        sent=data,
        fields=("content", "date_marker", "scope"),
        params={"search": data.get("content", "")},
    )
    answer = context.client.post(path, json=data, verify=fields_unkept(data, fields=PLACED_BY), find_created=find)
    return annotation_from(answer)


def annotation_update(*, context: PostHogContext, annotation_id: int, data: dict[str, Any]) -> Annotation:
    answer = context.client.patch(
        annotations_path(context.project_id, annotation_id),
        json=data,
        capture_before=True,
        verify=fields_unkept(data, fields=PLACED_BY),
    )
    return annotation_from(answer)


def annotation_save(*, context: PostHogContext, annotation_id: int | None, data: dict[str, Any]) -> Annotation:
    """The form's one write: a new annotation when there is no `annotation_id`, else an update of that one."""
    if annotation_id is None:
        return annotation_create(context=context, data=data)
    return annotation_update(context=context, annotation_id=annotation_id, data=data)


def annotation_delete(*, context: PostHogContext, annotation_id: int) -> Annotation:
    """A soft delete, as PostHog's own app does it: its API answers DELETE on an annotation with 405."""
    return annotation_update(context=context, annotation_id=annotation_id, data={"deleted": True})


def annotation_delete_many(*, context: PostHogContext, plan: Sequence[Planned]) -> list[Result]:
    """The bulk delete: each annotation of `plan` that changes goes through annotation_delete, once (the client
    audits each, and settles one whose answer was lost rather than sending it again); a result per annotation."""
    return bulk_apply(plan, lambda annotation_id: annotation_delete(context=context, annotation_id=int(annotation_id)))


def annotation_restore(*, context: PostHogContext, annotation_id: int) -> Annotation:
    # No before-state to capture: PostHog answers a GET of a deleted annotation with 404 (the PATCH still works).
    answer = context.client.patch(annotations_path(context.project_id, annotation_id), json={"deleted": False})
    return annotation_from(answer)
