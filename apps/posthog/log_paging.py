"""Paging PostHog's log entries back in time, the way every PostHog version supports.

Older PostHog fetches only `limit` rows and pages that short list (posthog/api/plugin_log_entry.py), so `next` is
always null there and any offset above 0 answers nothing; hog function logs are fetched the same way. Asking again
with `before` = where the previous page ended works with every version, as PostHog's own logs view does.

Entries can share a timestamp, and `before` is exclusive: the next read starts a microsecond after the oldest entry
read, so entries of that instant past the page are read too (those read twice are dropped by id). A page whose
entries are all of one instant cannot be paged past that way: the reader asks again for more at once (`limit`
wider), which every version honours.
"""

from datetime import datetime, timedelta
from typing import Any

from .values import moment


def entry_moment(entry: Any) -> datetime | None:
    """An entry's `timestamp` as an aware datetime (UTC when PostHog leaves the zone out), or None."""
    return moment(entry.get("timestamp")) if isinstance(entry, dict) else None


def older_page_start(entries: list[Any]) -> datetime | None:
    """The `before` that reads on past these entries (newest first): a microsecond after the oldest; None when no
    entry has a timestamp."""
    moments = [when for entry in entries if (when := entry_moment(entry))]
    return min(moments) + timedelta(microseconds=1) if moments else None


def one_instant(entries: list[Any]) -> bool:
    """All these entries share one timestamp: paging past them by time needs a wider page, not a later `before`."""
    return len({when for entry in entries if (when := entry_moment(entry))}) == 1


def page_end(entries: list[Any], *, limit: int, more: bool = False) -> datetime | None:
    """The `before` that reads the page older than these entries (newest first), asked for with `limit`; None when
    this is the last page (fewer entries than asked for, and PostHog says none follow: `more`). A whole page of one
    instant goes on from before that instant, as PostHog's own logs view would (what else it holds is skipped)."""
    if len(entries) < limit and not more:
        return None
    start = older_page_start(entries)
    if start is not None and one_instant(entries):
        start -= timedelta(microseconds=1)
    return start
