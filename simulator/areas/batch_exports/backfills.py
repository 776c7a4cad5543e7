"""Backfills: re-exporting a past range, one run per interval, made over time (living.py) as PostHog's backfill
workflow makes them.

Today's PostHog (products/batch_exports/backend/api/batch_export.py BatchExportBackfillViewSet, create_backfill):
`backfills/` lists (cursor pages of 50, newest first), creates (201 `{"backfill_id": <uuid>}`), retrieves and
cancels them. 2024's (posthog/batch_exports/http.py) had no such viewset: the export's `backfill` action started one
and answered 200 with the workflow's id. Retrying a run is a backfill of that run's interval in both.
"""

import uuid
from datetime import datetime

from simulator.areas.batch_exports import validation
from simulator.areas.batch_exports.paging import cursor_page, ordering
from simulator.areas.batch_exports.routing import (
    backfill_started,
    cannot_cancel,
    export_or_404,
    on_both,
    related_or_404,
)
from simulator.areas.batch_exports.state import ACTIVE, BACKFILL, STARTING, backfill_view, floor_to, interval_of, now
from simulator.core.fields import iso
from simulator.core.http import ApiError, Request
from simulator.core.store import Store
from simulator.profiles import BATCH_EXPORTS_BACKFILLS, Profile

BACKFILLS_PAGE_SIZE = 50  # BackfillsCursorPagination


def _viewset(profile: Profile) -> bool:
    return profile.batch_exports == BATCH_EXPORTS_BACKFILLS


def _action(profile: Profile) -> bool:
    return not _viewset(profile)


def backfill_create(
    store: Store, export: dict, profile: Profile, *, start: datetime | None, end: datetime | None
) -> tuple[dict, str]:
    """A backfill starting now, and the id PostHog answers for it: the backfill's own (today) or its Temporal
    workflow's, `<export>-Backfill-<start>-<end>` (2024: backfill_export returned the workflow id)."""
    stamp = iso(now())
    backfill = {
        "id": str(uuid.uuid4()),
        "team": export["team_id"],
        "batch_export": export["id"],
        "start_at": iso(start) if start else None,
        "end_at": iso(end) if end else None,
        "status": STARTING,
        "created_at": stamp,
        "finished_at": None,
        "last_updated_at": stamp,
        # The start of the next interval to export (living.py makes its run).
        "_next": iso(floor_to(start, interval_of(export))) if start else None,
    }
    store.insert(BACKFILL, backfill, parent=export["id"], id=backfill["id"])
    if _viewset(profile):
        return backfill, backfill["id"]
    start_text = start.isoformat() if start else "START"
    end_text = end.isoformat() if end else "END"
    return backfill, f"{export['id']}-Backfill-{start_text}-{end_text}"


@on_both("GET", "/{batch_export_id}/backfills/", scope="batch_export:read", available=_viewset)
def backfill_list(request: Request, team_id: int, batch_export_id: str):
    export = export_or_404(request, team_id, batch_export_id)
    order = ordering(request, ("created_at", "start_at"))
    items = [
        backfill_view(request.store, backfill)
        for backfill in request.store.all(BACKFILL, parent=export["id"])
        if backfill.get(order.lstrip("-"))  # a backfill "from the beginning of time" has no start_at to page by
    ]
    field = order.lstrip("-")
    return cursor_page(request, items, field=field, descending=order.startswith("-"), page_size=BACKFILLS_PAGE_SIZE)


@on_both("POST", "/{batch_export_id}/backfills/", scope="batch_export:write", available=_viewset)
def backfill_create_route(request: Request, team_id: int, batch_export_id: str):
    """BatchExportBackfillViewSet.create: the export first ("BatchExport not found."), then create_backfill."""
    export = request.store.get("batch_export", batch_export_id, parent=team_id)
    if export is None or export.get("deleted"):
        raise ApiError(404, "BatchExport not found.", code="not_found")
    start, end = validation.backfill_range(request.data(), export, request.profile)
    _, backfill_id = backfill_create(request.store, export, request.profile, start=start, end=end)
    return backfill_started(request.profile, backfill_id)


@on_both("GET", "/{batch_export_id}/backfills/{id}/", scope="batch_export:read", available=_viewset)
def backfill_get(request: Request, team_id: int, batch_export_id: str, id: str):
    export = export_or_404(request, team_id, batch_export_id)
    return backfill_view(request.store, related_or_404(request, BACKFILL, export, id))


@on_both("POST", "/{batch_export_id}/backfills/{id}/cancel/", scope="batch_export:write", available=_viewset)
def backfill_cancel(request: Request, team_id: int, batch_export_id: str, id: str):
    export = export_or_404(request, team_id, batch_export_id)
    backfill = related_or_404(request, BACKFILL, export, id)
    if backfill["status"] not in ACTIVE:
        raise cannot_cancel("backfill", backfill["status"])
    stamp = iso(now())
    request.store.update(
        BACKFILL, id, {**backfill, "status": "Cancelled", "finished_at": stamp, "last_updated_at": stamp}
    )
    return {"cancelled": True}


@on_both("POST", "/{id}/backfill/", scope="batch_export:write", available=_action)
def backfill_action(request: Request, team_id: int, id: str):
    """2024's `backfill` action: the body is checked before the export is looked up."""
    data = request.data()
    export = request.store.get("batch_export", id, parent=team_id)
    start, end = validation.backfill_range(data, export or {"interval": "hour"}, request.profile)
    export = export_or_404(request, team_id, id)
    _, backfill_id = backfill_create(request.store, export, request.profile, start=start, end=end)
    return backfill_started(request.profile, backfill_id)
