"""What the cohort pages show that is neither a read nor a write: a dynamic cohort's filters as indented sentences
("All of: person property “plan” is trial"), JSON shown as typed, where a page stands among the list's pages, and
what a create says."""

import json
from dataclasses import dataclass
from typing import Any

from apps.cohorts.selectors import Cohort
from apps.core.paging import OffsetPage


@dataclass(frozen=True)
class FilterLine:
    depth: int
    text: str
    cohort_id: int | None = None


@dataclass(frozen=True)
class PageNumbers:
    """Where a page of a list paged by number stands: its number, how many pages there are, how many items."""

    number: int
    pages: int
    total: int


OPERATORS = {
    "exact": "is",
    "is_not": "is not",
    "icontains": "contains",
    "not_icontains": "does not contain",
    "regex": "matches",
    "not_regex": "does not match",
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
    "is_set": "is set",
    "is_not_set": "is not set",
    "is_date_before": "is before",
    "is_date_after": "is after",
}
BEHAVIOURS = {
    "performed_event": "performed",
    "performed_event_multiple": "performed",
    "performed_event_first_time": "performed for the first time",
    "performed_event_regularly": "regularly performed",
    "stopped_performing_event": "stopped performing",
    "restarted_performing_event": "started performing again",
}
LEAF_LIMIT = 300


def filter_lines(filters: dict[str, Any] | None) -> list[FilterLine]:
    lines: list[FilterLine] = []
    _group((filters or {}).get("properties"), 0, lines)
    return lines


def _group(group: Any, depth: int, lines: list[FilterLine]) -> None:
    if not isinstance(group, dict):
        return
    values = group.get("values") if isinstance(group.get("values"), list) else []
    if not values:
        return
    lines.append(FilterLine(depth, "All of:" if group.get("type") == "AND" else "Any of:"))
    for value in values:
        if isinstance(value, dict) and value.get("type") in ("AND", "OR"):
            _group(value, depth + 1, lines)
        elif isinstance(value, dict):
            lines.append(_leaf(value, depth + 1))


def _leaf(leaf: dict[str, Any], depth: int) -> FilterLine:
    kind, negated = leaf.get("type"), bool(leaf.get("negation"))
    if kind == "person":
        operator = OPERATORS.get(str(leaf.get("operator")), str(leaf.get("operator") or "is"))
        value = "" if leaf.get("operator") in ("is_set", "is_not_set") else f" {_values(leaf.get('value'))}"
        not_ = "not: " if negated else ""
        return FilterLine(depth, f"{not_}person property “{leaf.get('key')}” {operator}{value}")
    if kind == "behavioral":
        return FilterLine(depth, _behaviour(leaf, negated))
    if kind == "cohort":
        cohort_id = leaf.get("value") if isinstance(leaf.get("value"), int) else None
        return FilterLine(depth, f"{'not ' if negated else ''}in cohort #{leaf.get('value')}", cohort_id)
    return FilterLine(depth, _shortened(json.dumps(leaf, ensure_ascii=False, sort_keys=True)))


def _behaviour(leaf: dict[str, Any], negated: bool) -> str:
    verb = BEHAVIOURS.get(str(leaf.get("value")), str(leaf.get("value") or "performed").replace("_", " "))
    if negated:
        verb = "did not perform" if verb == "performed" else f"not: {verb}"
    text = f"{verb} “{leaf.get('key')}”"
    if leaf.get("value") == "performed_event_multiple":
        operator = OPERATORS.get(str(leaf.get("operator")), str(leaf.get("operator") or ""))
        text += f" {operator} {leaf.get('operator_value')} times"
    if leaf.get("time_value") is not None:
        text += f" in the last {leaf['time_value']} {leaf.get('time_interval') or 'day'}(s)"
    return text


def _values(value: Any) -> str:
    if isinstance(value, list):
        return " or ".join(f"“{item}”" for item in value) or "(nothing)"
    return f"“{value}”"


def _shortened(text: str) -> str:
    return text if len(text) <= LEAF_LIMIT else text[:LEAF_LIMIT] + "…"


def pretty_json(data: dict[str, Any] | None) -> str:
    """JSON as a person reads it (indented, letters as typed); "" for nothing."""
    return json.dumps(data, indent=2, ensure_ascii=False) if data else ""


def page_numbers(page: OffsetPage[Any], *, size: int) -> PageNumbers:
    """The list is paged by number in the portal's URLs and by offset in PostHog's: page `offset // size + 1` of as
    many as the count fills (when PostHog gives no count: this page, and one more when PostHog says more follow)."""
    number = page.offset // size + 1
    if page.count is None:
        return PageNumbers(number=number, pages=number + (page.next_offset is not None), total=page.last)
    return PageNumbers(number=number, pages=max(1, -(-page.count // size)), total=page.count)


def created_message(cohort: Cohort) -> str:
    if cohort.is_static:
        count = cohort.count
        persons = f" with {count} person{'s' if count != 1 else ''}" if count is not None else ""
        return f"Created the static cohort “{cohort.name}”{persons}."
    return f"Created the dynamic cohort “{cohort.name}”; PostHog is calculating who is in it."
