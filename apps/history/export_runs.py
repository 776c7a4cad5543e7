"""Batch export runs: every run of every batch export of the watched project environments, its status, counts,
error and interval, updated while it progresses and kept after PostHog's list forgets it.

PostHog lists an export's runs newest first (created_at), 100 a page by cursor, those created in the last seven days
(products/batch_exports/backend/api/batch_export.py BatchExportRunViewSet, RunsCursorPagination). A poll reads an
export's pages until it reaches runs older than what it must see again: the oldest stored run still going (Starting
or Running: its status will change), else the newest stored run less OVERLAP (a run PostHog created late). Each
run is upserted by PostHog's id, so a poll read again (a retried task) changes nothing.
"""

from datetime import datetime, timedelta

from django.db.models import Max, Min
from django.utils import timezone

from apps.batch_exports.selectors import ACTIVE, BatchExport, Run, batch_export_page, batch_export_run_page
from apps.connections.models import Connection
from apps.connections.selectors import WatchedTarget
from apps.history.models import BatchExportRunRecord
from apps.history.polling import BudgetedReader, BudgetSpent, poll_client, target_context
from apps.history.results import PollResult
from apps.history.targets import PROJECT_REFUSALS, in_turn, poll_targets, targets_rotated
from apps.posthog.errors import NotFound

OVERLAP = timedelta(hours=1)
MAX_EXPORT_PAGES = 5  # 500 exports a project environment
UPDATED_FIELDS = [
    "export_name",
    "status",
    "data_interval_start",
    "data_interval_end",
    "records_completed",
    "records_total",
    "bytes_exported",
    "error",
    "finished_at",
    "backfill_id",
    "polled_at",
]


def export_runs_poll(*, connection: Connection, now: datetime | None = None) -> PollResult:
    """Upsert the new and changed runs of every batch export of the watched project environments (each export's
    first page, projects in turn, then the further pages each needs). A project PostHog refuses is said and the
    others go on; PostHog failing raises (the task retries)."""
    now = now or timezone.now()
    result = PollResult()
    reader = BudgetedReader(client=poll_client(connection=connection), connection=connection, result=result)
    targets = poll_targets(client=reader.client, connection=connection, result=result)
    queues: list[list[tuple[WatchedTarget, BatchExport]]] = []
    for target in targets_rotated(targets, connection=connection, kind="export_runs"):
        try:
            exports = _exports_list(connection=connection, target=target, reader=reader)
        except BudgetSpent:
            break
        except PROJECT_REFUSALS as error:
            result.errors.append(f"{target.label}: {error.user_message}")
            continue
        queues.append([(target, export) for export in exports])
    for target, export in in_turn(queues):
        try:
            result.items_stored += _export_runs_read(
                connection=connection, target=target, export=export, reader=reader, now=now
            )
        except BudgetSpent:
            break
        except NotFound:
            continue  # deleted since it was listed
    return result


def _exports_list(*, connection: Connection, target: WatchedTarget, reader: BudgetedReader) -> list[BatchExport]:
    context = target_context(connection=connection, target=target, reader=reader)
    exports: list[BatchExport] = []
    offset: int | None = 0
    for _ in range(MAX_EXPORT_PAGES):
        if offset is None:
            break
        page = batch_export_page(context=context, offset=offset)
        exports += page.items
        offset = page.next_offset if page.items else None
    return exports


def _export_runs_read(
    *, connection: Connection, target: WatchedTarget, export: BatchExport, reader: BudgetedReader, now: datetime
) -> int:
    """Read the export's runs down to where stored ones need no new look; upsert them page by page (a budget spent
    mid-way keeps what was read). Rows new or changed."""
    context = target_context(connection=connection, target=target, reader=reader)
    stop_at = _read_down_to(connection=connection, export_id=export.id)
    written, cursor = 0, ""
    while True:
        page = batch_export_run_page(context=context, export_id=export.id, cursor=cursor)
        written += runs_store(
            connection=connection, project_id=target.project_id, export=export, runs=page.items, now=now
        )
        oldest = min((run.created_at for run in page.items if run.created_at), default=None)
        if page.next is None or (stop_at is not None and oldest is not None and oldest < stop_at):
            return written
        cursor = page.next


def _read_down_to(*, connection: Connection, export_id: str) -> datetime | None:
    """How far back the runs must be read again: None for an export none of whose runs are stored (everything
    PostHog lists)."""
    stored = BatchExportRunRecord.objects.filter(connection=connection, export_id=export_id)
    newest = stored.aggregate(newest=Max("created_at"))["newest"]
    if newest is None:
        return None
    going = stored.filter(status__in=ACTIVE).aggregate(oldest=Min("created_at"))["oldest"]
    return min(moment for moment in (going, newest - OVERLAP) if moment is not None)


def runs_store(*, connection: Connection, project_id: str, export: BatchExport, runs: list[Run], now: datetime) -> int:
    """Upsert the runs by PostHog's id; how many were new or changed. A run without a creation time cannot be placed
    in time and is left out."""
    records = {
        run.id: BatchExportRunRecord(
            connection=connection,
            project_id=project_id,
            export_id=export.id,
            export_name=(export.name or export.destination_type)[:400],
            run_id=run.id[:64],
            status=run.status[:32],
            data_interval_start=run.data_interval_start,
            data_interval_end=run.data_interval_end,
            records_completed=run.records_completed,
            records_total=run.records_total,
            bytes_exported=run.bytes_exported,
            error=run.error,
            created_at=run.created_at,
            finished_at=run.finished_at,
            backfill_id=run.backfill_id[:64],
            polled_at=now,
        )
        for run in runs
        if run.created_at is not None
    }
    compared = [name for name in UPDATED_FIELDS if name != "polled_at"]
    stored = {
        row[0]: row[1:]
        for row in BatchExportRunRecord.objects.filter(connection=connection, run_id__in=list(records)).values_list(
            "run_id", *compared
        )
    }
    changed = [
        record
        for run_id, record in records.items()
        if stored.get(run_id) != tuple(getattr(record, name) for name in compared)
    ]
    BatchExportRunRecord.objects.bulk_create(
        changed, update_conflicts=True, unique_fields=["connection", "run_id"], update_fields=UPDATED_FIELDS
    )
    return len(changed)
