"""Query parameters the list pages read (page numbers, offsets and moments; a bad value is the default, never a
500), and the order a reorder form asks for."""

from datetime import datetime

from django.http import QueryDict

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


def reordered(data: QueryDict, current: list[str]) -> list[str]:
    """The order a reorder form asks for, of the ids in `current`: the whole new order (`order`, repeated: drag
    and drop), or one id moved a step (`move` and `direction` up or down: the keyboard's ↑ ↓ buttons). A whole
    order that is not a reordering of `current` comes from a stale page: `current` stays."""
    moved, direction = data.get("move", ""), data.get("direction")
    if not moved:
        ids = data.getlist("order")
        return ids if sorted(ids) == sorted(current) else current
    if moved not in current:
        return current
    wanted = list(current)
    index = wanted.index(moved)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(wanted):
        wanted[index], wanted[target] = wanted[target], wanted[index]
    return wanted
