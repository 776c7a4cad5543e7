"""Reads of the project's batch exports: the list, one export, its runs (cursor pages), a run's logs (by time) and
its backfills, each parsed from PostHog's JSON into the dataclasses the pages show."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from apps.batch_exports.paths import batch_exports_path
from apps.connections.context import PostHogContext
from apps.core.paging import CursorPage, OffsetPage
from apps.posthog.values import moment

LIST_LIMIT = 100
LOG_LIMIT = 100
# products/batch_exports/backend/models/batch_export.py BatchExport.interval_time_delta.
INTERVALS = {
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
    "every 5 minutes": timedelta(minutes=5),
    "every 15 minutes": timedelta(minutes=15),
}
# BatchExportRun.Status: still going (these can be cancelled), or ended in failure (a cancelled run did not fail).
ACTIVE = frozenset({"Starting", "Running"})
FAILED = frozenset({"Failed", "FailedRetryable", "FailedBilling", "Terminated", "TimedOut"})


@dataclass(frozen=True)
class Run:
    id: str
    status: str
    data_interval_start: datetime | None
    data_interval_end: datetime | None
    # None: PostHog did not report it (a run not counted yet, or cancelled before it counted).
    records_completed: int | None
    records_total: int | None
    bytes_exported: int | None
    error: str
    created_at: datetime | None
    finished_at: datetime | None
    backfill_id: str

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def failed(self) -> bool:
        return self.status in FAILED

    @property
    def duration(self) -> timedelta | None:
        if self.created_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.created_at


@dataclass(frozen=True)
class BatchExport:
    id: str
    name: str
    model: str
    destination_type: str
    # The destination's settings as PostHog answers them: it leaves out every credential (secret_fields).
    config: dict[str, Any]
    interval: str
    paused: bool
    created_at: datetime | None
    last_paused_at: datetime | None
    latest_runs: tuple[Run, ...]

    @property
    def latest_run(self) -> Run | None:
        return self.latest_runs[0] if self.latest_runs else None

    @property
    def interval_length(self) -> timedelta | None:
        """None for an interval this portal does not know (a newer PostHog's): nothing is computed from it."""
        return INTERVALS.get(self.interval)

    @property
    def dates_only(self) -> bool:
        """Daily and weekly exports run on whole days: a backfill of one is a range of dates."""
        return self.interval in ("day", "week")


@dataclass(frozen=True)
class Backfill:
    id: str
    status: str
    start_at: datetime | None
    end_at: datetime | None
    created_at: datetime | None
    finished_at: datetime | None
    # PostHog's progress, when it gives one (running or completed backfills with a start).
    total_runs: int | None
    finished_runs: int | None


@dataclass(frozen=True)
class LogEntry:
    at: datetime | None
    level: str
    message: str


def batch_export_page(*, context: PostHogContext, offset: int = 0) -> OffsetPage[BatchExport]:
    """One page of the project's exports, newest first."""
    answer = context.client.get(batch_exports_path(context), params={"limit": LIST_LIMIT, "offset": offset})
    answer = answer if isinstance(answer, dict) else {}
    items = [_export(item) for item in answer.get("results") or [] if isinstance(item, dict)]
    return OffsetPage.of_answer(answer, items=items, offset=offset)


def batch_export_get(*, context: PostHogContext, export_id: str) -> BatchExport:
    return _export(context.client.get(batch_exports_path(context, export_id)))


def batch_export_run_page(*, context: PostHogContext, export_id: str, cursor: str = "") -> CursorPage[Run, str]:
    """One page of runs, newest first (PostHog lists those created in the last seven days); `next` is PostHog's
    cursor for the older ones."""
    params = {"cursor": cursor} if cursor else None
    answer = context.client.get(batch_exports_path(context, export_id, "runs"), params=params)
    answer = answer if isinstance(answer, dict) else {}
    runs = [_run(item) for item in answer.get("results") or [] if isinstance(item, dict)]
    return CursorPage(items=runs, next=_cursor_of(answer.get("next")))


def batch_export_run_get(*, context: PostHogContext, export_id: str, run_id: str) -> Run:
    return _run(context.client.get(batch_exports_path(context, export_id, "runs", run_id)))


def batch_export_run_logs(
    *, context: PostHogContext, export_id: str, run_id: str, before: datetime | None = None
) -> CursorPage[LogEntry, datetime]:
    """The run's newest log entries (before `before`); `next` is the time to ask older ones before. PostHog takes
    the `limit` newest entries and pages only within them, so older entries come by time, never by offset."""
    params: dict[str, Any] = {"limit": LOG_LIMIT}
    if before is not None:
        params["before"] = before.astimezone(UTC).isoformat().replace("+00:00", "Z")
    answer = context.client.get(batch_exports_path(context, export_id, "runs", run_id, "logs"), params=params)
    results = answer.get("results") if isinstance(answer, dict) else answer
    entries = [_log_entry(item) for item in results or [] if isinstance(item, dict)]
    oldest = entries[-1].at if entries else None
    return CursorPage(items=entries, next=oldest if len(entries) >= LOG_LIMIT else None)


def batch_export_backfill_list(*, context: PostHogContext, export_id: str) -> list[Backfill]:
    """The export's newest backfills (one page). Older PostHog has no such list: EndpointNotFound."""
    answer = context.client.get(batch_exports_path(context, export_id, "backfills"))
    results = answer.get("results") if isinstance(answer, dict) else None
    return [_backfill(item) for item in results or [] if isinstance(item, dict)]


def _export(data: dict[str, Any]) -> BatchExport:
    destination = _object(data.get("destination"))
    config = _object(destination.get("config"))
    runs = data.get("latest_runs")
    return BatchExport(
        id=str(data["id"]),
        name=str(data.get("name") or ""),
        model=str(data.get("model") or ""),
        destination_type=str(destination.get("type") or ""),
        config=config,
        interval=str(data.get("interval") or ""),
        paused=data.get("paused") is True,
        created_at=moment(data.get("created_at")),
        last_paused_at=moment(data.get("last_paused_at")),
        latest_runs=tuple(_run(item) for item in runs if isinstance(item, dict)) if isinstance(runs, list) else (),
    )


def _run(data: dict[str, Any]) -> Run:
    return Run(
        id=str(data["id"]),
        status=str(data.get("status") or ""),
        data_interval_start=moment(data.get("data_interval_start")),
        data_interval_end=moment(data.get("data_interval_end")),
        records_completed=_count(data.get("records_completed")),
        records_total=_count(data.get("records_total_count")),
        bytes_exported=_count(data.get("bytes_exported")),
        error=str(data.get("latest_error") or ""),
        created_at=moment(data.get("created_at")),
        finished_at=moment(data.get("finished_at")),
        backfill_id=str(data.get("backfill") or ""),
    )


def _backfill(data: dict[str, Any]) -> Backfill:
    progress = _object(data.get("progress"))
    return Backfill(
        id=str(data.get("id") or ""),
        status=str(data.get("status") or ""),
        start_at=moment(data.get("start_at")),
        end_at=moment(data.get("end_at")),
        created_at=moment(data.get("created_at")),
        finished_at=moment(data.get("finished_at")),
        total_runs=_count(progress.get("total_runs")),
        finished_runs=_count(progress.get("finished_runs")),
    )


def _log_entry(data: dict[str, Any]) -> LogEntry:
    return LogEntry(
        at=moment(data.get("timestamp")),
        level=str(data.get("level") or "").upper(),
        message=str(data.get("message") or ""),
    )


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _cursor_of(next_url: Any) -> str | None:
    """The `cursor` of PostHog's absolute `next` URL: the portal links its own pages, carrying only that."""
    if not isinstance(next_url, str):
        return None
    return parse_qs(urlsplit(next_url).query).get("cursor", [""])[0] or None
