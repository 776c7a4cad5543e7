"""Paging PostHog's log entries back in time, the way every PostHog version supports.

Older PostHog fetches only `limit` rows and pages that short list (posthog/api/plugin_log_entry.py), so `next` is
always null there and any offset above 0 answers nothing; hog function logs are fetched the same way. Asking again
with `before` = where the previous page ended works with every version, as PostHog's own logs view does.
"""

from datetime import UTC, datetime, timedelta
from typing import Any


def entry_moment(entry: Any) -> datetime | None:
    """An entry's `timestamp` as an aware datetime (UTC when PostHog leaves the zone out), or None."""
    value = entry.get("timestamp") if isinstance(entry, dict) else None
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def older_page_start(entries: list[Any]) -> datetime | None:
    """The `before` that reads on past these entries (newest first), or None when none has a timestamp.

    Entries can share a timestamp, and PostHog's `before` is exclusive: the next read starts a microsecond after the
    oldest, so entries of that instant past this page are read too (those read twice are dropped by id). Only when
    every entry is of one instant does the read go on before it, which could skip others of that instant, as
    PostHog's own logs view would."""
    moments = [moment for entry in entries if (moment := entry_moment(entry))]
    if not moments:
        return None
    oldest, newest = min(moments), max(moments)
    return oldest if oldest == newest else oldest + timedelta(microseconds=1)
