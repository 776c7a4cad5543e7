"""Reads of the stored plugin logs: the explorer's pages and its CSV export, and each config's newest error.

The queries follow the entries' indexes: connection and plugin config first, then (-timestamp, -id); pages are a
keyset on (timestamp, id), never OFFSET.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, TypedDict, Unpack

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import IContains

from apps.core.paging import CursorPage
from apps.history.models import LogCursor, PluginLogEntry

EXPORT_CHUNK = 2000  # rows a server-side cursor hands over at a time: an export is never all in memory


class LogPosition(NamedTuple):
    """Where a page of the log explorer ended: the next page starts after this (timestamp, id)."""

    timestamp: datetime
    id: int

    def __str__(self) -> str:
        return f"{self.timestamp.isoformat()}~{self.id}"

    @classmethod
    def parse(cls, text: str) -> "LogPosition | None":
        timestamp, _, entry = (text or "").rpartition("~")
        try:
            at = datetime.fromisoformat(timestamp)
        except ValueError:
            return None
        if not entry.isdigit() or at.tzinfo is None:
            return None
        return cls(at, int(entry))


class LogFilters(TypedDict, total=False):
    """The explorer's filters, as keyword arguments of its selectors; a filter left out (or None) keeps every entry."""

    plugin_config_id: int | None
    types: list[str] | None
    sources: list[str] | None
    after: datetime | None  # included
    before: datetime | None  # included
    search: str  # in the message, ignoring case


class LogExportRow(NamedTuple):
    """An entry as the CSV export writes it."""

    timestamp: datetime
    plugin_config_id: int
    type: str
    source: str
    message: str
    instance_id: str
    entry_id: str


@dataclass(frozen=True)
class LastError:
    """A config's newest stored ERROR entry, for the config list's "last error" cell."""

    config_id: int
    read: bool  # the poller has read this config's logs at least once
    at: datetime | None
    message: str


def log_configs(*, connection_id: int, project_id: str) -> dict[int, str]:
    """The configs whose logs are stored (the poller keeps a cursor for each), by name."""
    cursors = LogCursor.objects.filter(connection_id=connection_id, project_id=project_id).values_list(
        "plugin_config_id", "config_name"
    )
    return dict(sorted(cursors, key=lambda row: (row[1].casefold() or "~", row[0])))


def log_explorer_entries(
    *, connection_id: int, project_id: str | None = None, **filters: Unpack[LogFilters]
) -> QuerySet[PluginLogEntry]:
    """The stored entries matching the filters, newest first."""
    entries = PluginLogEntry.objects.filter(connection_id=connection_id)
    if (plugin_config_id := filters.get("plugin_config_id")) is not None:
        entries = entries.filter(plugin_config_id=plugin_config_id)
    if project_id:
        entries = entries.filter(project_id=project_id)
    if types := filters.get("types"):
        entries = entries.filter(type__in=types)
    if sources := filters.get("sources"):
        entries = entries.filter(source__in=sources)
    if after := filters.get("after"):
        entries = entries.filter(timestamp__gte=after)
    if before := filters.get("before"):
        entries = entries.filter(timestamp__lte=before)
    if search := filters.get("search"):
        entries = entries.filter(_MessageContains(F("message"), search))
    return entries.order_by("-timestamp", "-id")


def log_explorer_page(
    *,
    connection_id: int,
    project_id: str | None = None,
    cursor: tuple[datetime, int] | None = None,
    limit: int = 100,
    **filters: Unpack[LogFilters],
) -> CursorPage[PluginLogEntry, LogPosition]:
    """A page of `limit` entries older than `cursor` (keyset on (timestamp, id), never OFFSET); its `next` is where
    the following page starts. `cursor` may be a plain (timestamp, id) tuple (the benchmark script passes one)."""
    entries = log_explorer_entries(connection_id=connection_id, project_id=project_id, **filters)
    if cursor:
        timestamp, entry_id = cursor
        # `timestamp <= t` on its own lets the index range start at the cursor; the OR settles ties.
        entries = entries.filter(Q(timestamp__lte=timestamp), Q(timestamp__lt=timestamp) | Q(id__lt=entry_id))
    rows = list(entries[: limit + 1])
    next_position = LogPosition(rows[limit - 1].timestamp, rows[limit - 1].id) if len(rows) > limit else None
    return CursorPage(items=rows[:limit], next=next_position)


def log_export_rows(
    *, connection_id: int, project_id: str | None = None, **filters: Unpack[LogFilters]
) -> Iterator[LogExportRow]:
    """Every entry matching the filters, newest first, read in chunks from a server-side cursor."""
    entries = log_explorer_entries(connection_id=connection_id, project_id=project_id, **filters)
    rows = entries.values_list(*LogExportRow._fields).iterator(chunk_size=EXPORT_CHUNK)
    return (LogExportRow._make(row) for row in rows)


def config_last_errors(*, connection_id: int, project_id: str, config_ids: list[int]) -> list[LastError]:
    """Each config's newest ERROR entry among the stored logs, in one query.

    PostHog no longer reports a config's latest error (`error` is always null: "use app metrics or plugin log
    entries"), and asking it for every config's newest ERROR entry would cost a request per row.
    """
    newest = PluginLogEntry.objects.filter(
        connection_id=connection_id, plugin_config_id=OuterRef("plugin_config_id"), type="ERROR"
    ).order_by("-timestamp", "-id")
    cursors = (
        LogCursor.objects.filter(connection_id=connection_id, project_id=project_id, plugin_config_id__in=config_ids)
        .annotate(error_at=Subquery(newest.values("timestamp")[:1]), error=Subquery(newest.values("message")[:1]))
        .values_list("plugin_config_id", "polled_at", "error_at", "error")
    )
    found = {row[0]: row for row in cursors}
    results = []
    for config_id in config_ids:
        _, polled_at, error_at, message = found.get(config_id, (config_id, None, None, None))
        results.append(LastError(config_id, polled_at is not None, error_at, message or ""))
    return results


class _MessageContains(IContains):
    """`icontains` that PostgreSQL answers from the trigram index on the message (migration 0002).

    Django's own icontains compares UPPER(message), which that index cannot serve; ILIKE can. Other
    databases keep Django's icontains.
    """

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = compiler.compile(self.lhs)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", (*lhs_params, *rhs_params)
