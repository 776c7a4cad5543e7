"""Batch exports and their runs (products/batch_exports/backend/api/batch_export.py BatchExportViewSet and
BatchExportRunViewSet, `scope_object = "batch_export"`).

- the list (limit/offset, newest first) and one export, with the destination's secret fields left out and the ten
  latest runs; `pause` / `unpause` (required_scopes batch_export:write; pausing a paused export, or unpausing one
  that runs, changes nothing and answers the same);
- runs: cursor pages of 100, newest first, of the runs created in the last seven days unless `after`/`before` say
  otherwise (ordering by data_interval_start filters by `start`/`end` instead); `retry` backfills the run's
  interval; `cancel` (today's PostHog only) stops a Starting or Running run and refuses any other.

The simulator does not create, edit or delete exports: the portal does not either.
"""

from simulator.areas.batch_exports import validation
from simulator.areas.batch_exports.backfills import backfill_create
from simulator.areas.batch_exports.paging import cursor_page, ordering
from simulator.areas.batch_exports.routing import (
    backfill_started,
    cannot_cancel,
    export_or_404,
    on_both,
    related_or_404,
)
from simulator.areas.batch_exports.state import (
    ACTIVE,
    CANCELLED,
    EXPORT,
    RUN,
    export_view,
    exports_of,
    floor_to,
    interval_of,
    log_add,
    now,
    run_finish,
    run_view,
)
from simulator.core.fields import iso, parse_datetime
from simulator.core.http import Request, paginate
from simulator.profiles import BATCH_EXPORTS_BACKFILLS, Profile

RUNS_PAGE_SIZE = 100  # RunsCursorPagination


def _cancel_exists(profile: Profile) -> bool:
    return profile.batch_exports == BATCH_EXPORTS_BACKFILLS


@on_both("GET", "/", scope="batch_export:read")
def export_list(request: Request, team_id: int):
    exports = exports_of(request.store, team_id)
    return paginate(request, [export_view(request.store, export, request.profile) for export in exports])


@on_both("GET", "/{id}/", scope="batch_export:read")
def export_get(request: Request, team_id: int, id: str):
    return export_view(request.store, export_or_404(request, team_id, id), request.profile)


@on_both("POST", "/{id}/pause/", scope="batch_export:write")
def export_pause(request: Request, team_id: int, id: str):
    """service.py pause_batch_export: a paused export stays as it is."""
    export = export_or_404(request, team_id, id)
    if not export["paused"]:
        stamp = iso(now())
        request.store.update(EXPORT, id, {**export, "paused": True, "last_paused_at": stamp, "last_updated_at": stamp})
    return {"paused": True}


@on_both("POST", "/{id}/unpause/", scope="batch_export:write")
def export_unpause(request: Request, team_id: int, id: str):
    """service.py unpause_batch_export: the schedule resumes from now; the paused intervals are not exported
    unless the body asks for `backfill` (a backfill since the export was paused)."""
    export = export_or_404(request, team_id, id)
    if export["paused"]:
        moment = now()
        resumed = {
            **export,
            "paused": False,
            "last_updated_at": iso(moment),
            "_scheduled_until": iso(floor_to(moment, interval_of(export))),
        }
        request.store.update(EXPORT, id, resumed)
        since = parse_datetime(export.get("last_paused_at"))
        if request.data().get("backfill") is True and since is not None:
            backfill_create(request.store, resumed, request.profile, start=since, end=moment)
    return {"paused": False}


@on_both("GET", "/{batch_export_id}/runs/", scope="batch_export:read")
def run_list(request: Request, team_id: int, batch_export_id: str):
    export = export_or_404(request, team_id, batch_export_id)
    order = ordering(request, ("created_at", "data_interval_start"))
    field, since, until = validation.runs_window(request, now())
    statuses = validation.run_statuses(request)

    def inside(run: dict) -> bool:
        if field == "created_at":
            return since <= parse_datetime(run["created_at"]) <= until
        start = parse_datetime(run.get("data_interval_start"))
        return start is not None and start >= since and parse_datetime(run["data_interval_end"]) <= until

    runs = [
        run_view(run)
        for run in request.store.all(RUN, parent=export["id"])
        if inside(run) and (not statuses or run["status"] in statuses)
    ]
    return cursor_page(
        request, runs, field=order.lstrip("-"), descending=order.startswith("-"), page_size=RUNS_PAGE_SIZE
    )


@on_both("GET", "/{batch_export_id}/runs/{id}/", scope="batch_export:read")
def run_get(request: Request, team_id: int, batch_export_id: str, id: str):
    export = export_or_404(request, team_id, batch_export_id)
    return run_view(related_or_404(request, RUN, export, id))


@on_both("POST", "/{batch_export_id}/runs/{id}/retry/", scope="batch_export:write")
def run_retry(request: Request, team_id: int, batch_export_id: str, id: str):
    """A backfill of the run's own interval: a new run of it comes (the old one keeps its status)."""
    export = export_or_404(request, team_id, batch_export_id)
    run = related_or_404(request, RUN, export, id)
    start, end = parse_datetime(run["data_interval_start"]), parse_datetime(run["data_interval_end"])
    _, backfill_id = backfill_create(request.store, export, request.profile, start=start, end=end)
    return backfill_started(request.profile, backfill_id)


@on_both("POST", "/{batch_export_id}/runs/{id}/cancel/", scope="batch_export:write", available=_cancel_exists)
def run_cancel(request: Request, team_id: int, batch_export_id: str, id: str):
    export = export_or_404(request, team_id, batch_export_id)
    run = related_or_404(request, RUN, export, id)
    if run["status"] not in ACTIVE:
        raise cannot_cancel("run", run["status"])
    moment = now()
    run_finish(request.store, run, status=CANCELLED, at=moment)
    log_add(request.store, export, run, "WARN", "Batch export run was cancelled", moment)
    return {"cancelled": True}
