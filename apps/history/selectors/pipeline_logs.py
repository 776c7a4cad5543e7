"""The log explorer's other sources: stored hog function log entries, and batch export runs read as a log (a run's
status, counts and error at the time it was created; PostHog refuses a run's own logs to scoped API keys, so the
runs are what the portal keeps of an export's work).

Pages are keysets on (time, id) as for plugin logs (`apps.history.selectors.logs.keyset_page`).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, TypedDict, Unpack

from django.db.models import Q, QuerySet

from apps.batch_exports.selectors import FAILED
from apps.core.paging import CursorPage
from apps.history.models import BatchExportRunRecord, HogFunctionLogCursor, HogFunctionLogEntry
from apps.history.selectors.logs import EXPORT_CHUNK, LogPosition, keyset_page, newest_first

CANCELLED = "Cancelled"
BATCH_EXPORTS = "batch_exports"  # the explorer's source of batch export runs (apps.history.forms.LOG_SOURCES)


class PipelineLogFilters(TypedDict, total=False):
    """The explorer's filters for a hog function's or a batch export's entries; left out (or None): every one."""

    object_id: str | None  # the function's or the export's id
    types: list[str] | None  # levels; for runs ERROR (failed), WARN (cancelled), INFO (the others)
    after: datetime | None  # included
    before: datetime | None  # included
    search: str  # in the message (a run's error), ignoring case


@dataclass(frozen=True)
class StoredObject:
    """A hog function or batch export with stored entries, named as PostHog named it last."""

    object_id: str
    name: str
    project_id: str


class PipelineExportRow(NamedTuple):
    """An entry as the CSV export writes it."""

    timestamp: datetime
    object_id: str
    type: str
    source: str
    message: str
    instance_id: str
    entry_id: str


def hog_log_functions(*, connection_id: int, project_id: str | None) -> list[StoredObject]:
    """The functions whose logs the poller reads (it keeps a cursor for each), by name."""
    cursors = HogFunctionLogCursor.objects.filter(connection_id=connection_id)
    if project_id is not None:
        cursors = cursors.filter(project_id=project_id)
    rows = cursors.values_list("function_id", "function_name", "project_id")
    return sorted((StoredObject(*row) for row in rows), key=lambda o: (o.name.casefold() or "~", o.object_id))


def run_exports(*, connection_id: int, project_id: str | None) -> list[StoredObject]:
    """The batch exports with stored runs, by name (as their newest run recorded it)."""
    runs = BatchExportRunRecord.objects.filter(connection_id=connection_id)
    if project_id is not None:
        runs = runs.filter(project_id=project_id)
    named: dict[str, StoredObject] = {}
    for export_id, name, project in runs.order_by("export_id", "-created_at").values_list(
        "export_id", "export_name", "project_id"
    ):
        named.setdefault(export_id, StoredObject(export_id, name, project))
    return sorted(named.values(), key=lambda o: (o.name.casefold() or "~", o.object_id))


def hog_log_entries(
    *, connection_id: int, project_id: str | None = None, **filters: Unpack[PipelineLogFilters]
) -> QuerySet[HogFunctionLogEntry]:
    """The stored hog function log entries matching the filters, newest first."""
    entries = HogFunctionLogEntry.objects.filter(connection_id=connection_id)
    if object_id := filters.get("object_id"):
        entries = entries.filter(function_id=object_id)
    if project_id:
        entries = entries.filter(project_id=project_id)
    if types := filters.get("types"):
        entries = entries.filter(level__in=types)
    return newest_first(entries, after=filters.get("after"), before=filters.get("before"), search=filters.get("search"))


def run_entries(
    *, connection_id: int, project_id: str | None = None, **filters: Unpack[PipelineLogFilters]
) -> QuerySet[BatchExportRunRecord]:
    """The stored runs matching the filters, newest first (by creation)."""
    runs = BatchExportRunRecord.objects.filter(connection_id=connection_id)
    if object_id := filters.get("object_id"):
        runs = runs.filter(export_id=object_id)
    if project_id:
        runs = runs.filter(project_id=project_id)
    if types := filters.get("types"):
        runs = runs.filter(_run_types(types))
    after, before, search = filters.get("after"), filters.get("before"), filters.get("search")
    return newest_first(runs, after=after, before=before, search=search, time_field="created_at", text_field="error")


def pipeline_log_page(
    *,
    source: str,
    connection_id: int,
    project_id: str | None = None,
    cursor: tuple[datetime, int] | None = None,
    limit: int = 100,
    oldest_first: bool = False,
    **filters: Unpack[PipelineLogFilters],
) -> CursorPage[HogFunctionLogEntry, LogPosition] | CursorPage[BatchExportRunRecord, LogPosition]:
    """A page of the source's stored entries ("hog_functions" or "batch_exports") older than `cursor` (newer,
    `oldest_first`)."""
    if source == BATCH_EXPORTS:
        runs = run_entries(connection_id=connection_id, project_id=project_id, **filters)
        return keyset_page(runs, cursor=cursor, limit=limit, field="created_at", oldest_first=oldest_first)
    entries = hog_log_entries(connection_id=connection_id, project_id=project_id, **filters)
    return keyset_page(entries, cursor=cursor, limit=limit, oldest_first=oldest_first)


def run_type(status: str) -> str:
    """A run as a log entry's type: ERROR failed, WARN cancelled, INFO the others (going or completed)."""
    return "ERROR" if status in FAILED else "WARN" if status == CANCELLED else "INFO"


def hog_log_export_rows(
    *, connection_id: int, project_id: str | None = None, **filters: Unpack[PipelineLogFilters]
) -> Iterator[PipelineExportRow]:
    """Every stored hog function entry matching the filters, newest first, read in chunks."""
    entries = hog_log_entries(connection_id=connection_id, project_id=project_id, **filters)
    rows = entries.values_list("timestamp", "function_id", "level", "message", "instance_id", "entry_key")
    return (
        PipelineExportRow(at, function_id, level, "hog function", message, instance, key)
        for at, function_id, level, message, instance, key in rows.iterator(chunk_size=EXPORT_CHUNK)
    )


def run_export_rows(
    *, connection_id: int, project_id: str | None = None, **filters: Unpack[PipelineLogFilters]
) -> Iterator[PipelineExportRow]:
    """Every stored run matching the filters, newest first, read in chunks, as entries of a log."""
    runs = run_entries(connection_id=connection_id, project_id=project_id, **filters)
    return (pipeline_export_row(run) for run in runs.iterator(chunk_size=EXPORT_CHUNK))


def pipeline_export_row(run: BatchExportRunRecord) -> PipelineExportRow:
    """A run as an entry of a log."""
    return PipelineExportRow(
        run.created_at, run.export_id, run_type(run.status), "batch export run", run_message(run), "", run.run_id
    )


def run_message(run: BatchExportRunRecord) -> str:
    """A run in words: its status, its interval, what it exported (when PostHog counted it) and its error."""
    interval = (
        f" for {run.data_interval_start:%Y-%m-%d %H:%M} – {run.data_interval_end:%Y-%m-%d %H:%M} UTC"
        if run.data_interval_start and run.data_interval_end
        else ""
    )
    counted = ""
    if run.records_completed is not None:
        total = f" of {run.records_total:,}" if run.records_total is not None else ""
        counted = f": {run.records_completed:,}{total} records"
    error = f". {run.error}" if run.error else ""
    return f"Run {run.status}{interval}{counted}{error}"


def _run_types(types: list[str]) -> Q:
    wanted = Q(pk__in=[])
    if "ERROR" in types:
        wanted |= Q(status__in=FAILED)
    if "WARN" in types:
        wanted |= Q(status=CANCELLED)
    if "INFO" in types:
        wanted |= ~Q(status__in=[*FAILED, CANCELLED])
    return wanted
