"""Writes to the project's annotations; the client audits each in the signed-in person's name."""

from apps.annotations.selectors import annotation_path
from apps.connections.context import PostHogContext


def annotation_create(*, context: PostHogContext, data: dict) -> dict:
    return context.client.post(annotation_path(context), json=data)


def annotation_update(*, context: PostHogContext, annotation_id: int, data: dict) -> dict:
    return context.client.patch(annotation_path(context, annotation_id), json=data, capture_before=True)


def annotation_delete(*, context: PostHogContext, annotation_id: int) -> dict:
    """A soft delete, as PostHog's own app does it: its API answers DELETE on an annotation with 405."""
    return annotation_update(context=context, annotation_id=annotation_id, data={"deleted": True})


def annotation_restore(*, context: PostHogContext, annotation_id: int) -> dict:
    # No before-state to capture: PostHog answers a GET of a deleted annotation with 404 (the PATCH still works).
    return context.client.patch(annotation_path(context, annotation_id), json={"deleted": False})
