"""The health rows the pipeline page, the delivery overview and the home page show: each item's verdict with its
reasons, links, counts by verdict, the worst few, and the order a person asked for (`?sort=&dir=`, worst
first by default)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from apps.core.sorting import ASC, DESC, SortColumn, SortHeader, SortOrder, sort_headers, sort_order
from apps.history.health import DEGRADED, FAILING, VERDICTS
from apps.history.selectors.health import BATCH_EXPORT, HOG_FUNCTION, PLUGIN_CONFIG, ItemHealth

WORST_SHOWN = 8
# The routes of an item's page in the portal and its chart in History, by kind.
_ROUTES = {
    PLUGIN_CONFIG: ("plugins:config_detail", "history:delivery_config"),
    HOG_FUNCTION: ("hog_functions:detail", "history:function_chart"),
    BATCH_EXPORT: ("batch_exports:detail", "history:export_chart"),
}
_BADGES = {FAILING: "verdict-failing", DEGRADED: "verdict-degraded", "healthy": "verdict-healthy"}


@dataclass(frozen=True)
class HealthRow:
    item: ItemHealth
    project: str  # the project's name, where rows of several projects show
    page_url: str  # its page in the portal ("" where its id cannot have one)
    chart_url: str  # its chart in History

    @property
    def state(self) -> str:
        return self.item.verdict.state

    @property
    def badge(self) -> str:
        return _BADGES.get(self.state, "verdict-unknown")

    @property
    def reasons(self) -> str:
        return "; ".join(self.item.verdict.reasons)

    @property
    def rate_label(self) -> str:
        return f"{self.item.rate * 100:.1f} %" if self.item.rate is not None else ""


def health_rows(items: list[ItemHealth], *, projects: dict[str, str] | None, query: str = "") -> list[HealthRow]:
    """A row per item, linked; `query` (`?project=…`) follows to the charts. With `projects` (rows of several
    projects), each names its project."""

    def project(project_id: str) -> str:
        return projects.get(project_id, f"Project {project_id}") if projects else ""

    return [
        HealthRow(
            item=item,
            project=project(item.project_id),
            page_url=_url(_ROUTES[item.kind][0], item),
            chart_url=(chart + query) if (chart := _url(_ROUTES[item.kind][1], item)) else "",
        )
        for item in items
    ]


def health_counts(rows: list[HealthRow]) -> dict[str, int]:
    """Rows by verdict, every verdict present (a zero is a count too)."""
    counts = dict.fromkeys(VERDICTS, 0)
    for row in rows:
        counts[row.state] += 1
    return counts


def worst_rows(rows: list[HealthRow], *, limit: int = WORST_SHOWN) -> list[HealthRow]:
    """The failing and degraded rows, the worst first, at most `limit`."""
    broken = [row for row in rows if row.state in (FAILING, DEGRADED)]
    return sort_rows(broken, DEFAULT_SORT)[:limit]


# Sorting ---------------------------------------------------------------------------------------------------

# Each column's first direction puts the worst first: the lowest rate, the most errors, the newest error, the
# stalest reading. Values missing (no rate, no error) go last whichever way a column is sorted.
SORT_COLUMNS: dict[str, SortColumn] = {
    "verdict": SortColumn("Verdict"),
    "name": SortColumn("What"),
    "rate": SortColumn("Rate"),
    "errors": SortColumn("Errors (1 h)", DESC),
    "error": SortColumn("Newest error", DESC),
    "as_of": SortColumn("As of"),
}
_SORT_VALUES: dict[str, Callable[[HealthRow], Any]] = {
    "verdict": lambda row: row.item.verdict.severity,
    "name": lambda row: row.item.name.casefold(),
    "rate": lambda row: row.item.rate,
    "errors": lambda row: row.item.errors_last_hour,
    "error": lambda row: row.item.last_error_at,
    "as_of": lambda row: row.item.as_of,
}
DEFAULT_SORT = SortOrder("verdict", ASC)


def health_sort(data: Mapping[str, str]) -> SortOrder:
    """`?sort=rate&dir=desc` (apps.core.sorting); anything else is the default, the worst verdict first."""
    return sort_order(data, columns=SORT_COLUMNS, default=DEFAULT_SORT)


def sort_rows(rows: list[HealthRow], sort: SortOrder) -> list[HealthRow]:
    """The rows in `sort`'s order; ties (and the rows without a value, last) by the worst verdict, then the most
    errors, the lowest rate and the name."""

    def worst_first(row: HealthRow) -> tuple:
        item = row.item
        return (item.verdict.severity, -item.errors_last_hour, item.rate if item.rate is not None else 2, item.name)

    rows = sorted(rows, key=worst_first)
    value = _SORT_VALUES[sort.key]
    present = [row for row in rows if value(row) is not None]
    missing = [row for row in rows if value(row) is None]
    # sorted() is stable: rows equal in the column keep the worst-first order among them.
    return sorted(present, key=value, reverse=sort.descending) + missing


def sort_columns(sort: SortOrder, *, query: dict[str, str]) -> dict[str, SortHeader]:
    """Each sortable column's header by key; `query` keeps the page's other parameters (its project)."""
    return sort_headers(sort, columns=SORT_COLUMNS, query=urlencode(query))


def _url(name: str, item: ItemHealth) -> str:
    """The route with the item's id; "" where the id cannot fit it (a malformed id kept from PostHog)."""
    try:
        return reverse(name, args=[item.object_id])
    except NoReverseMatch:
        return ""


def rows_with_health[T](
    rows: list[T], *, key: Callable[[T], str], health: list[HealthRow], sort: SortOrder
) -> list[tuple[T, HealthRow | None]]:
    """Another page's rows (the delivery overview's) joined to their items' health by `key` (the item's id), in
    `sort`'s order; rows without a verdict (their item is no longer read) go last, as they came."""
    by_id = {row.item.object_id: row for row in health}
    judged = {key(row): row for row in rows if key(row) in by_id}
    ordered = sort_rows([by_id[item_id] for item_id in judged], sort)
    return [(judged[found.item.object_id], found) for found in ordered] + [
        (row, None) for row in rows if key(row) not in by_id
    ]
