"""The trail as CSV: its columns, its lines (streamed in batches) and the file's name."""

import csv
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from apps.core.csv_export import Echo, csv_safe
from apps.trail.selectors.rows import TrailRow

CSV_BATCH = 500  # rows sent together: a chunk per row costs more in the response than the row itself
CSV_COLUMNS = [
    "time_utc",
    "source",
    "person",
    "posthog_credits",
    "sentence",
    "verb",
    "area",
    "object_id",
    "object_name",
    "action",
    "summary",
    "outcome",
    "status",
    "error",
    "connection",
    "id",
    "portal_event_id",
]


def csv_lines(rows: Iterable[TrailRow]) -> Iterator[str]:
    """The header, then the rows in batches of CSV_BATCH lines; every cell made safe to open in a spreadsheet."""
    writer = csv.writer(Echo())
    yield writer.writerow(CSV_COLUMNS)
    batch = []
    for row in rows:
        batch.append(writer.writerow([csv_safe(cell) for cell in _cells(row)]))
        if len(batch) == CSV_BATCH:
            yield "".join(batch)
            batch.clear()
    yield "".join(batch)


def csv_filename(*, after: datetime | None, before: datetime | None) -> str:
    def stamp(at: datetime | None, default: str) -> str:
        return at.astimezone(UTC).strftime("%Y%m%dT%H%MZ") if at else default

    return f"audit-trail_{stamp(after, 'start')}_to_{stamp(before, 'now')}.csv"


def _cells(row: TrailRow) -> list[object]:
    return [
        row.at.astimezone(UTC).isoformat(),
        row.source,
        row.person,
        row.posthog_user,
        row.text,
        row.verb,
        row.area,
        row.object_id,
        row.object_name,
        row.action,
        row.summary,
        row.outcome,
        row.status_code or "",
        row.error,
        row.connection_name,
        row.id,
        row.linked_id or "",
    ]
