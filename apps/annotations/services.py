"""Writes to the project's annotations; the client audits each in the signed-in person's name."""

from apps.annotations.selectors import annotation_path
from apps.connections.context import PostHogContext
from apps.posthog.kept import fields_unkept

# Where an annotation shows: PostHog's newest serializer takes `dashboard_id`, some versions' answer it read-only
# (openapi.yaml of Nov 2025) and would drop it without a word; ChangeNotKept then says so.
PLACED_BY = ("scope", "dashboard_item", "dashboard_id")


def annotation_create(*, context: PostHogContext, data: dict) -> dict:
    return context.client.post(annotation_path(context), json=data, verify=fields_unkept(data, fields=PLACED_BY))


def annotation_update(*, context: PostHogContext, annotation_id: int, data: dict) -> dict:
    return context.client.patch(
        annotation_path(context, annotation_id),
        json=data,
        capture_before=True,
        verify=fields_unkept(data, fields=PLACED_BY),
    )


def annotation_delete(*, context: PostHogContext, annotation_id: int) -> dict:
    """A soft delete, as PostHog's own app does it: its API answers DELETE on an annotation with 405."""
    return annotation_update(context=context, annotation_id=annotation_id, data={"deleted": True})


def annotation_restore(*, context: PostHogContext, annotation_id: int) -> dict:
    # No before-state to capture: PostHog answers a GET of a deleted annotation with 404 (the PATCH still works).
    return context.client.patch(annotation_path(context, annotation_id), json={"deleted": False})
