"""Batch exports in the store, their answers in PostHog's shapes, and `State`, the area's API for tests.

One `batch_export` document per export (under its team), one `batch_export_run` per run and one
`batch_export_backfill` per backfill (both under their export), and one `batch_export_log` per log entry (under its
export, `instance_id` naming its run). Fields starting with `_` are the simulator's own and never answered.

Shapes follow products/batch_exports/backend/api/batch_export.py (BatchExportSerializer, BatchExportRunSerializer,
BatchExportBackfillSerializer) and products/batch_exports/backend/models/batch_export.py (secret_fields,
interval_time_delta, total_expected_runs).
"""

import math
import uuid
from datetime import UTC, datetime, timedelta

from simulator.core.fields import iso, parse_datetime
from simulator.core.state import AreaState
from simulator.core.store import Store
from simulator.profiles import BATCH_EXPORTS_BACKFILLS, Profile

EXPORT, RUN, BACKFILL, LOG = "batch_export", "batch_export_run", "batch_export_backfill", "batch_export_log"
# models/batch_export.py BatchExportRun.Status; runs in these two can be cancelled, and count as unfinished.
STARTING, RUNNING, COMPLETED, FAILED, FAILED_RETRYABLE, CANCELLED = (
    "Starting",
    "Running",
    "Completed",
    "Failed",
    "FailedRetryable",
    "Cancelled",
)
ACTIVE = (STARTING, RUNNING)
# BatchExportBackfill.get_finished_runs counts these.
FINISHED = (COMPLETED, FAILED)
# models/batch_export.py BATCH_EXPORT_INTERVALS and BatchExport.interval_time_delta.
INTERVALS = {
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
    "every 5 minutes": timedelta(minutes=5),
    "every 15 minutes": timedelta(minutes=15),
}
# BatchExportDestination.secret_fields: left out of every answer's `config`, at any depth.
SECRET_FIELDS = {
    "S3": {"aws_access_key_id", "aws_secret_access_key"},
    "Snowflake": {"user", "password", "private_key", "private_key_passphrase"},
    "Postgres": {"user", "password"},
    "Redshift": {"user", "password", "aws_access_key_id", "aws_secret_access_key"},
    "BigQuery": {"private_key", "private_key_id", "client_email", "token_uri"},
}
# BatchExportSerializer.Meta.fields, less `hogql_query` (write-only in effect: the model has no such attribute, so
# DRF skips it on the way out). Today's answers carry `filters` and the destination's `integration` too.
EXPORT_FIELDS = (
    "id",
    "team_id",
    "name",
    "model",
    "destination",
    "interval",
    "paused",
    "created_at",
    "last_updated_at",
    "last_paused_at",
    "start_at",
    "end_at",
    "latest_runs",
    "schema",
)
# BatchExportRunSerializer: fields "__all__" of the model.
RUN_FIELDS = (
    "id",
    "status",
    "records_completed",
    "latest_error",
    "data_interval_start",
    "data_interval_end",
    "cursor",
    "created_at",
    "finished_at",
    "last_updated_at",
    "records_total_count",
    "bytes_exported",
    "batch_export",
    "backfill",
)
BACKFILL_FIELDS = (
    "id",
    "progress",
    "start_at",
    "end_at",
    "status",
    "created_at",
    "finished_at",
    "last_updated_at",
    "team",
    "batch_export",
)
LATEST_RUNS = 10  # BatchExport.latest_runs


def now() -> datetime:
    return datetime.now(UTC)


def interval_of(export: dict) -> timedelta:
    return INTERVALS[export["interval"]]


def floor_to(moment: datetime, interval: timedelta) -> datetime:
    """The schedule's boundary at or before `moment`: hours on the hour, days at midnight UTC, weeks on Sunday
    (models/batch_export.py: offset_day 0 is Sunday, offset_hour 0 midnight, timezone UTC by default)."""
    if interval >= timedelta(weeks=1):
        midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        return midnight - timedelta(days=(midnight.isoweekday() % 7))
    seconds = int(interval.total_seconds())
    epoch = int(moment.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, UTC)


def _without_secrets(config: dict, secrets: set[str]) -> dict:
    """BatchExportDestinationSerializer.to_representation: remove_secret_fields_recursive."""
    return {
        key: _without_secrets(value, secrets) if isinstance(value, dict) else value
        for key, value in config.items()
        if key not in secrets
    }


def run_view(run: dict) -> dict:
    return {name: run.get(name) for name in RUN_FIELDS}


def runs_newest_first(store: Store, export_id: str) -> list[dict]:
    """`order_by("-created_at")`."""
    return sorted(store.all(RUN, parent=export_id), key=lambda run: (run["created_at"], run["id"]), reverse=True)


def export_view(store: Store, export: dict, profile: Profile) -> dict:
    destination = export["destination"]
    secrets = SECRET_FIELDS.get(destination["type"], set())
    answer = {name: export.get(name) for name in EXPORT_FIELDS}
    answer["destination"] = {"type": destination["type"], "config": _without_secrets(destination["config"], secrets)}
    answer["latest_runs"] = [run_view(run) for run in runs_newest_first(store, export["id"])[:LATEST_RUNS]]
    if profile.batch_exports == BATCH_EXPORTS_BACKFILLS:
        answer["destination"]["integration"] = destination.get("integration")
        answer["filters"] = export.get("filters")
    return answer


def expected_runs(start: datetime, end: datetime, interval: timedelta) -> int:
    """BatchExportBackfill.total_expected_runs: ceil((end_at - start_at) / interval_time_delta)."""
    return max(0, math.ceil((end - start) / interval))


def backfill_view(store: Store, backfill: dict) -> dict:
    answer = {name: backfill.get(name) for name in BACKFILL_FIELDS}
    answer["progress"] = _progress(store, backfill)
    return answer


def _progress(store: Store, backfill: dict) -> dict | None:
    """BatchExportBackfillSerializer.get_progress."""
    export = store.get(EXPORT, backfill["batch_export"])
    start, end = parse_datetime(backfill.get("start_at")), parse_datetime(backfill.get("end_at"))
    total = expected_runs(start, end, interval_of(export)) if export and start and end else None
    if backfill["status"] == COMPLETED:
        return {"total_runs": total, "finished_runs": total, "progress": 1.0}
    if backfill["status"] not in ACTIVE or not total or start is None:
        return None
    finished = sum(
        1
        for run in store.all(RUN, parent=backfill["batch_export"])
        if run.get("backfill") == backfill["id"] and run["status"] in FINISHED
    )
    total = max(total, finished)
    return {"total_runs": total, "finished_runs": finished, "progress": round(finished / total, 1)}


def run_insert(
    store: Store,
    export: dict,
    *,
    start: datetime,
    status: str = STARTING,
    created_at: datetime | None = None,
    backfill: str | None = None,
    ticks: int = 1,
) -> dict:
    """A new run over [start, start + interval), as PostHog's workflow records it when it starts."""
    created = iso(created_at or now())
    run = {
        "id": str(uuid.uuid4()),
        "status": status,
        "records_completed": None,
        "latest_error": None,
        "data_interval_start": iso(start),
        "data_interval_end": iso(start + interval_of(export)),
        "cursor": None,
        "created_at": created,
        "finished_at": None,
        "last_updated_at": created,
        "records_total_count": None,
        "bytes_exported": None,
        "batch_export": export["id"],
        "backfill": backfill,
        "_ticks": ticks,  # ticks left before a running run finishes
    }
    return store.insert(RUN, run, parent=export["id"], id=run["id"])


def run_finish(store: Store, run: dict, *, status: str, error: str | None = None, at: datetime | None = None) -> dict:
    """End a run: records counted (all of them when it completed, part when it failed), the error kept."""
    total = run.get("records_total_count")
    if total is None:
        total = 0 if status == CANCELLED else 1000
    done = total if status == COMPLETED else (total // 3 if status in (FAILED, FAILED_RETRYABLE) else None)
    stamp = iso(at or now())
    finished = {
        **run,
        "status": status,
        "records_total_count": total,
        "records_completed": done,
        "bytes_exported": done * 312 if done is not None else None,
        "latest_error": error if status != COMPLETED else None,
        "finished_at": stamp,
        "last_updated_at": stamp,
    }
    return store.update(RUN, run["id"], finished)


def log_add(store: Store, export: dict, run: dict | None, level: str, message: str, at: datetime) -> dict:
    """A log entry as posthog/api/log_entries.py LogEntry answers it (log_source "batch_exports")."""
    entry = {
        "id": str(uuid.uuid4()),
        "team_id": export["team_id"],
        "log_source_id": export["id"],
        "instance_id": run["id"] if run else "",
        "timestamp": iso(at),
        "level": level,
        "message": message,
    }
    return store.insert(LOG, entry, parent=export["id"], id=entry["id"])


def export_find(store: Store, team_id: int, export_id: str) -> dict | None:
    """The team's export, not deleted (`BatchExport.objects.exclude(deleted=True)`, scoped to the team)."""
    found = store.get(EXPORT, export_id, parent=team_id)
    return None if found is None or found.get("deleted") else found


def exports_of(store: Store, team_id: int) -> list[dict]:
    """The list's queryset: not deleted, newest first, Workflows destinations left out."""
    exports = [e for e in store.all(EXPORT, parent=team_id) if not e.get("deleted")]
    exports = [e for e in exports if e["destination"]["type"] != "Workflows"]
    return sorted(exports, key=lambda e: e["created_at"], reverse=True)


class State(AreaState):
    """Batch exports as tests and benches see and arrange them (stored documents, `_` fields included)."""

    def all(self, project_id: int = 1) -> list[dict]:
        """The project's exports, newest first, as the list answers them."""
        return [export_view(self._store, e, self._profile) for e in exports_of(self._store, int(project_id))]

    def by_name(self, name: str, project_id: int = 1) -> dict:
        found = next((e for e in exports_of(self._store, int(project_id)) if e["name"] == name), None)
        if found is None:
            raise KeyError(f"no batch export named {name!r}")
        return found

    def get(self, export_id: str) -> dict | None:
        """The stored export, secrets and all."""
        return self._store.get(EXPORT, export_id)

    def runs(self, export_id: str) -> list[dict]:
        """Every stored run of the export, newest first (the API lists only the last seven days by default)."""
        return runs_newest_first(self._store, export_id)

    def run(self, run_id: str) -> dict | None:
        return self._store.get(RUN, run_id)

    def backfills(self, export_id: str) -> list[dict]:
        return sorted(self._store.all(BACKFILL, parent=export_id), key=lambda b: b["created_at"], reverse=True)

    def logs(self, export_id: str, *, run_id: str | None = None) -> list[dict]:
        """The export's log entries, newest first; only the run's when `run_id` is given."""
        entries = self._store.all(LOG, parent=export_id)
        if run_id is not None:
            entries = [entry for entry in entries if entry["instance_id"] == run_id]
        return sorted(entries, key=lambda entry: entry["timestamp"], reverse=True)

    def run_add(self, export_id: str, *, status: str = RUNNING, hours_ago: float = 0, error: str | None = None) -> dict:
        """A run whose interval ended `hours_ago` (aligned to the export's interval); finished when `status` says
        so, with `error` as its latest error."""
        with self._store.transaction():
            export = self._store.get(EXPORT, export_id)
            interval = interval_of(export)
            end = floor_to(now() - timedelta(hours=hours_ago), interval)
            run = run_insert(self._store, export, start=end - interval, status=status, ticks=3)
            if status not in ACTIVE:
                run = run_finish(self._store, {**run, "records_total_count": 2400}, status=status, error=error)
            return run

    def intervals_pass(self, export_id: str, count: int = 1) -> None:
        """As if `count` more of the export's intervals had ended since its schedule last started a run: the next
        tick starts their runs (unless the export is paused)."""
        with self._store.transaction():
            export = self._store.get(EXPORT, export_id)
            until = parse_datetime(export["_scheduled_until"]) - count * interval_of(export)
            self._store.update(EXPORT, export_id, {**export, "_scheduled_until": iso(until)})

    def view(self, export_id: str) -> dict | None:
        """The export as retrieve answers it."""
        found = self._store.get(EXPORT, export_id)
        return export_view(self._store, found, self._profile) if found else None
