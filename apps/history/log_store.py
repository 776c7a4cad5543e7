"""Storing plugin log entries: each page PostHog sent for a config, once, with its cursor's move in the same
transaction (see apps/history/log_poller.py for how the pages are read), and the cursors themselves.

On PostgreSQL new rows go in by COPY, rows read again (the poller's overlap) by an INSERT that skips them; either
way the unique index on (connection, entry id) decides, never a query plan.
"""

from itertools import batched
from typing import Any

from django.db import IntegrityError, transaction
from django.db import connection as database
from django.db.models import F

from apps.connections.models import Connection
from apps.history.models import HogFunctionLogCursor, LogCursor, PluginLogEntry
from apps.posthog.values import moment

# Rows per INSERT or COPY: large enough to amortise a round trip, small enough to keep statements short.
STORE_CHUNK = 5000
_TABLE = PluginLogEntry._meta.db_table
STORED_COLUMNS = (
    "connection_id",
    "project_id",
    "plugin_config_id",
    "entry_id",
    "timestamp",
    "source",
    "type",
    "message",
    "instance_id",
)
_COLUMN_TYPES = ("bigint", "text", "bigint", "text", "timestamptz", "text", "text", "text", "text")


def log_batch_store(*, cursor: LogCursor, entries: list[dict], **cursor_changes: Any) -> int:
    """Store the entries PostHog sent for the cursor's config and apply `cursor_changes`, in one transaction.

    Entries already stored are left alone; returns how many were new. Entries without an id or a readable
    timestamp cannot be stored once and in order, and are left out.
    """
    rows = _rows(cursor=cursor, entries=entries)
    with transaction.atomic():
        inserted = sum(_rows_insert(chunk) for chunk in batched(rows.values(), STORE_CHUNK))
        cursor_update(cursor, stored=inserted, **cursor_changes)
    return inserted


def cursors_ensure(*, connection: Connection, project_id: str, configs: dict[int, dict]) -> list[LogCursor]:
    """A cursor for every config listed, named as PostHog names the config now."""
    cursors = LogCursor.objects.filter(connection=connection, project_id=project_id, plugin_config_id__in=configs)
    known = {cursor.plugin_config_id: cursor for cursor in cursors}
    renamed = []
    for config_id, cursor in known.items():
        name = _config_name(configs[config_id])
        if cursor.config_name != name:
            cursor.config_name = name
            renamed.append(cursor)
    LogCursor.objects.bulk_update(renamed, ["config_name"])
    missing = [
        LogCursor(connection=connection, project_id=project_id, plugin_config_id=config_id, config_name=_config_name(c))
        for config_id, c in configs.items()
        if config_id not in known
    ]
    if not missing:
        return list(known.values())
    # Another poll of the connection cannot run meanwhile (the task holds its lock); a stray one loses nothing.
    LogCursor.objects.bulk_create(missing, ignore_conflicts=True)
    return list(cursors.all())


def _config_name(config: dict) -> str:
    return str(config.get("name") or f"Plugin {config.get('plugin', '?')}")[:400]


# A log poller's cursor: a plugin config's or a hog function's, read with the same cadence (apps/history/log_poller.py).
type AnyLogCursor = LogCursor | HogFunctionLogCursor


def cursor_update(cursor: AnyLogCursor, *, stored: int = 0, **changes: Any) -> None:
    type(cursor).objects.filter(pk=cursor.pk).update(entries_stored=F("entries_stored") + stored, **changes)
    for name, value in changes.items():
        setattr(cursor, name, value)
    cursor.entries_stored += stored


def _rows(*, cursor: LogCursor, entries: list[dict]) -> dict[str, tuple]:
    """Entries as rows in STORED_COLUMNS order, by entry id (a page may repeat an entry)."""
    rows = {}
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("id") in (None, ""):
            continue
        at = moment(entry.get("timestamp"))
        if at is None:
            continue
        entry_id = str(entry["id"])[:64]
        rows[entry_id] = (
            cursor.connection_id,
            cursor.project_id,
            cursor.plugin_config_id,
            entry_id,
            at,
            _text(entry.get("source"), 16),
            _text(entry.get("type"), 8),
            _text(entry.get("message")),  # whole, however long
            _text(entry.get("instance_id"), 64),
        )
    return rows


def _text(value: Any, limit: int | None = None) -> str:
    text = value if isinstance(value, str) else "" if value is None else str(value)
    if "\x00" in text:  # PostgreSQL text cannot hold NUL
        text = text.replace("\x00", "\ufffd")
    return text[:limit] if limit else text


def _rows_insert(rows: tuple[tuple, ...]) -> int:
    """Insert the rows not stored yet; how many that was."""
    if database.vendor != "postgresql":
        new = _unstored(rows)
        PluginLogEntry.objects.bulk_create(
            [PluginLogEntry(**dict(zip(STORED_COLUMNS, row, strict=True))) for row in new], ignore_conflicts=True
        )
        return len(new)
    # New rows (a first poll, a backlog) go in by COPY; rows read again (the overlap) make it fail, and the
    # slower INSERT skips them. Either way every row is checked by the unique index, never by a query plan.
    try:
        with transaction.atomic():  # a savepoint: the transaction goes on after a failed COPY
            _copy(rows)
        return len(rows)
    except IntegrityError:
        return _insert_skipping_stored(rows)


def _unstored(rows: tuple[tuple, ...]) -> list[tuple]:
    stored = set(
        PluginLogEntry.objects.filter(connection_id=rows[0][0], entry_id__in=[row[3] for row in rows]).values_list(
            "entry_id", flat=True
        )
    )
    return [row for row in rows if row[3] not in stored]


def _copy(rows: tuple[tuple, ...]) -> None:
    """COPY: PostgreSQL's fastest way in, several times faster than INSERT for the same rows."""
    with database.cursor() as cursor, database.wrap_database_errors:
        with cursor.cursor.copy(f"COPY {_TABLE} ({', '.join(STORED_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _insert_skipping_stored(rows: tuple[tuple, ...]) -> int:
    """One INSERT of the rows as arrays (a statement of any length stays short to parse); returns the count
    PostgreSQL inserted."""
    arrays = ", ".join(f"%s::{kind}[]" for kind in _COLUMN_TYPES)
    with database.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} ({', '.join(STORED_COLUMNS)}) SELECT * FROM unnest({arrays}) ON CONFLICT DO NOTHING",
            [list(column) for column in zip(*rows, strict=True)],
        )
        return cursor.rowcount
