"""Annotation routes: posthog/api/annotation.py `AnnotationsViewSet` (scope_object "annotation")."""

from simulator.areas.annotations import state, validation
from simulator.areas.roles.people import acting_user_basic
from simulator.core import context
from simulator.core.fields import parse_datetime
from simulator.core.http import Request, Response, method_not_allowed, not_found, paginate
from simulator.core.routing import route

BASE = "/api/projects/{project_id}/annotations"


# An annotation is named by its content.
_ANNOTATION_ACTIVITY = context.ActivityRecorder("Annotation", name=lambda annotation: annotation.get("content"))


def _record(request: Request, annotation: dict, activity: str, changes: list[dict] | None = None) -> None:
    _ANNOTATION_ACTIVITY(request, annotation["_team"], annotation, activity, changes)


def _find(request: Request, project_id: str, annotation_id: str, *, include_deleted: bool) -> dict:
    team_id = context.team_id(request, project_id=project_id)
    found = state.find(request.store, team_id, annotation_id, include_deleted=include_deleted)
    if found is None:
        raise not_found()
    return found


@route("GET", BASE + "/", scope="annotation:read")
def annotation_list(request: Request, project_id: str):
    team_id = context.team_id(request, project_id=project_id)
    items = [a for a in state.visible(request.store, team_id) if not a.get("deleted")]
    scope = validation.list_scope(request)
    if scope:
        items = [a for a in items if a.get("scope") == scope]
    bounds = validation.list_dates(request)
    if bounds:

        def inside(annotation: dict) -> bool:
            marker = parse_datetime(annotation.get("date_marker"))
            return marker is not None and (
                (not bounds.get("date_from") or marker >= bounds["date_from"])
                and (not bounds.get("date_to") or marker <= bounds["date_to"])
            )

        items = [a for a in items if inside(a)]
    terms = validation.search_terms(request)
    if terms:
        items = [a for a in items if all(t in (a.get("content") or "").lower() for t in terms)]
    if request.param("limit") in (None, ""):
        request.query["limit"] = [str(state.PAGE_SIZE)]
    return paginate(request, [state.annotation_view(a) for a in state.newest_first(items)])


@route("POST", BASE + "/", scope="annotation:write")
def annotation_create(request: Request, project_id: str):
    team_id = context.team_id(request, project_id=project_id)
    values = validation.validated(request.data())
    annotation = state.insert(request.store, team_id, values, created_by=acting_user_basic(request))
    _record(request, annotation, "created")
    return Response(201, state.annotation_view(annotation))


@route("GET", BASE + "/{id}/", scope="annotation:read")
def annotation_get(request: Request, project_id: str, id: str):
    return state.annotation_view(_find(request, project_id, id, include_deleted=False))


@route("PATCH", BASE + "/{id}/", scope="annotation:write")
def annotation_update(request: Request, project_id: str, id: str):
    """A deleted annotation can still be PATCHed: that is how PostHog restores one (`deleted: false`)."""
    annotation = _find(request, project_id, id, include_deleted=True)
    values = validation.validated(request.data())
    before = state.annotation_view(annotation)
    after = state.changed(request.store, annotation, values)
    changes = context.changes_between(before, state.annotation_view(after), kind="Annotation")
    if changes:
        activity = "deleted" if values.get("deleted") is True and not annotation.get("deleted") else "updated"
        _record(request, after, activity, changes)
    return state.annotation_view(after)


@route("DELETE", BASE + "/{id}/", scope="annotation:write")
def annotation_delete(request: Request, project_id: str, id: str):
    """posthog/api/forbid_destroy_model.py ForbidDestroyModel.destroy: `Response(status=405)` with no body, before
    any lookup (so an unknown id answers 405 too). Hard delete is not allowed: PATCH `deleted: true`."""
    context.team_id(request, project_id=project_id)
    raise method_not_allowed("DELETE", empty_body=True)
