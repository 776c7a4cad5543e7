"""Query parameters the list pages read: page numbers, offsets and moments. A bad value is the default, never a 500."""

from datetime import datetime

from apps.posthog.values import moment


def page_number(value: str | None) -> int:
    """`?page=3` → 3; missing, zero, negative or not a number → 1."""
    return int(value) if value and value.isdigit() and int(value) > 0 else 1


def offset(value: str | None) -> int:
    """`?offset=40` → 40; missing or not a non-negative number → 0."""
    return int(value) if value and value.isdigit() else 0


def moment_param(value: str | None) -> datetime | None:
    """`?before=2026-12-06T08:00:00Z` (a zone-less time is UTC) as an aware datetime; None when missing or bad."""
    return moment(value)
