"""Where batch exports live: under /api/projects/{id}/ and /api/environments/{id}/ alike (posthog/api/__init__.py
registers BatchExportViewSet, its runs and its backfills on both, `register_legacy_dual_route`)."""

from collections.abc import Callable

from simulator.areas.batch_exports.state import export_find
from simulator.core import context
from simulator.core.http import ApiError, Request, Response, not_found
from simulator.core.routing import route
from simulator.profiles import BATCH_EXPORTS_BACKFILLS, Profile

PREFIXES = ("/api/projects/{project_id}/batch_exports", "/api/environments/{environment_id}/batch_exports")


def on_both(
    method: str, suffix: str, *, scope: str | None, available: Callable[[Profile], bool] | None = None
) -> Callable:
    """Register a handler `(request, team_id, **path)` under both prefixes."""

    def register(handler: Callable) -> Callable:
        def resolved(request: Request, project_id: str | None = None, environment_id: str | None = None, **path):
            team_id = context.team_id(request, project_id=project_id, environment_id=environment_id)
            return handler(request, team_id, **path)

        for prefix in PREFIXES:
            route(method, prefix + suffix, scope=scope, available=available)(resolved)
        return handler

    return register


def export_or_404(request: Request, team_id: int, export_id: str) -> dict:
    """`get_object()`: the team's export, not deleted; a 404 otherwise (an id that is no UUID too)."""
    found = export_find(request.store, team_id, export_id)
    if found is None:
        raise not_found()
    return found


def related_or_404(request: Request, kind: str, export: dict, object_id: str) -> dict:
    """A run or backfill of this export (`filter_rewrite_rules` scope it through the export's team)."""
    found = request.store.get(kind, object_id, parent=export["id"])
    if found is None:
        raise not_found()
    return found


def backfill_started(profile: Profile, backfill_id: str) -> Response:
    """`{"backfill_id": ...}`, as a retry or a backfill answers: 201 Created today, 200 in 2024's version."""
    return Response(201 if profile.batch_exports == BATCH_EXPORTS_BACKFILLS else 200, {"backfill_id": backfill_id})


def cannot_cancel(what: str, status: str) -> ApiError:
    """A run's or a backfill's `cancel` refuses anything but Starting and Running."""
    return ApiError(
        400, f"Cannot cancel a {what} that is in '{status}' status", type="validation_error", code="invalid"
    )
