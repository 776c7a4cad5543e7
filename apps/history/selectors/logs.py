"""Reads of the stored plugin logs: the explorer's pages and its CSV export, and each config's newest error.

The queries follow the entries' indexes: connection and plugin config first, then (-timestamp, -id), read forwards
(newest first) or backwards (oldest first, the explorer's other order); pages are a keyset on (timestamp, id), never
OFFSET.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, TypedDict, Unpack

from django.db.models import F, Model, OuterRef, Q, QuerySet, Subquery
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
class StoredConfig:
    """A config whose logs are stored (the poller keeps a cursor for it), named as PostHog named it last."""

    config_id: int
    name: str
    project_id: str


@dataclass(frozen=True)
class LastError:
    """A config's newest stored ERROR entry, for the config list's "last error" cell."""

    config_id: int
    read: bool  # the poller has read this config's logs at least once
    at: datetime | None
    message: str


def log_configs(*, connection_id: int, project_id: str | None) -> list[StoredConfig]:
    """The configs whose logs are stored (of one project, or of every one), by name."""
    cursors = LogCursor.objects.filter(connection_id=connection_id)
    if project_id is not None:
        cursors = cursors.filter(project_id=project_id)
    rows = cursors.values_list("plugin_config_id", "config_name", "project_id")
    return [StoredConfig(*row) for row in sorted(rows, key=lambda row: (row[1].casefold() or "~", row[0]))]


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
    return newest_first(entries, after=filters.get("after"), before=filters.get("before"), search=filters.get("search"))


def newest_first[M: Model](
    rows: QuerySet[M],
    *,
    after: datetime | None,
    before: datetime | None,
    search: str | None,
    time_field: str = "timestamp",
    text_field: str = "message",
) -> QuerySet[M]:
    """Rows from `after` to `before` (both included) whose text holds `search` (ignoring case), newest first: the
    filters every source of the explorer shares."""
    if after:
        rows = rows.filter(**{f"{time_field}__gte": after})
    if before:
        rows = rows.filter(**{f"{time_field}__lte": before})
    if search:
        rows = rows.filter(MessageContains(F(text_field), search))
    return rows.order_by(f"-{time_field}", "-id")


def log_explorer_page(
    *,
    connection_id: int,
    project_id: str | None = None,
    cursor: tuple[datetime, int] | None = None,
    limit: int = 100,
    oldest_first: bool = False,
    **filters: Unpack[LogFilters],
) -> CursorPage[PluginLogEntry, LogPosition]:
    """A page of `limit` entries older than `cursor` (newer, `oldest_first`; keyset on (timestamp, id), never
    OFFSET); its `next` is where the following page starts. `cursor` may be a plain (timestamp, id) tuple (the
    benchmark script passes one)."""
    entries = log_explorer_entries(connection_id=connection_id, project_id=project_id, **filters)
    return keyset_page(entries, cursor=cursor, limit=limit, oldest_first=oldest_first)


def keyset_page[M: Model](
    rows: QuerySet[M],
    *,
    cursor: tuple[datetime, int] | None,
    limit: int,
    field: str = "timestamp",
    oldest_first: bool = False,
) -> CursorPage[M, LogPosition]:
    """`limit` rows (ordered by `-field, -id`, or `field, id` when `oldest_first`) after `cursor`, and where the
    next page starts: a keyset, never OFFSET, so a page costs the same however deep it is. Every stored-log source
    of the explorer pages this way; the (connection, …, -field, -id) indexes serve both directions."""
    if oldest_first:
        rows = rows.order_by(field, "id")
    if cursor:
        at, row_id = cursor
        # `field <= t` (`>=` oldest first) on its own lets the index range start at the cursor; the OR settles ties.
        if oldest_first:
            rows = rows.filter(Q(**{f"{field}__gte": at}), Q(**{f"{field}__gt": at}) | Q(id__gt=row_id))
        else:
            rows = rows.filter(Q(**{f"{field}__lte": at}), Q(**{f"{field}__lt": at}) | Q(id__lt=row_id))
    found = list(rows[: limit + 1])
    last = found[limit - 1] if len(found) > limit else None
    return CursorPage(items=found[:limit], next=LogPosition(getattr(last, field), last.pk) if last else None)


def log_export_rows(
    *, connection_id: int, project_id: str | None = None, **filters: Unpack[LogFilters]
) -> Iterator[LogExportRow]:
    """Every entry matching the filters, newest first, read in chunks from a server-side cursor."""
    entries = log_explorer_entries(connection_id=connection_id, project_id=project_id, **filters)
    rows = entries.values_list(*LogExportRow._fields).iterator(chunk_size=EXPORT_CHUNK)
    return (LogExportRow._make(row) for row in rows)


def config_last_errors(*, connection_id: int, config_ids: list[int]) -> list[LastError]:
    """Each config's newest ERROR entry among the stored logs, in one query (PostHog's config ids are unique across
    the projects of a connection, so no project is needed).

    PostHog no longer reports a config's latest error (`error` is always null: "use app metrics or plugin log
    entries"), and asking it for every config's newest ERROR entry would cost a request per row.
    """
    newest = PluginLogEntry.objects.filter(
        connection_id=connection_id, plugin_config_id=OuterRef("plugin_config_id"), type="ERROR"
    ).order_by("-timestamp", "-id")
    cursors = (
        LogCursor.objects.filter(connection_id=connection_id, plugin_config_id__in=config_ids)
        .annotate(error_at=Subquery(newest.values("timestamp")[:1]), error=Subquery(newest.values("message")[:1]))
        .values_list("plugin_config_id", "polled_at", "error_at", "error")
    )
    found = {row[0]: row for row in cursors}
    results = []
    for config_id in config_ids:
        _, polled_at, error_at, message = found.get(config_id, (config_id, None, None, None))
        results.append(LastError(config_id, polled_at is not None, error_at, message or ""))
    return results


class MessageContains(IContains):
    """`icontains` that PostgreSQL answers from the trigram index on the message (migration 0002).

    Django's own icontains compares UPPER(message), which that index cannot serve; ILIKE can. Other
    databases keep Django's icontains.
    """

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = compiler.compile(self.lhs)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", (*lhs_params, *rhs_params)
