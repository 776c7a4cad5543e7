"""The order a server-sorted list was asked for (`?sort=<column>&dir=asc|desc`, the parameters static/js/sortable.js
writes for the tables it sorts in the browser, so a saved view keeps either alike) and its header links.

A list offers only the columns it can order cheaply (an index, or rows already in memory); anything else asked for,
a column it does not offer or a direction that is neither, is its default order, never an error.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.http import QueryDict

ASC, DESC = "asc", "desc"
# A header link starts the list again from its first page: a cursor or page number of another order means nothing.
PAGE_PARAMS = ("page", "offset", "before", "cursor")
_ARIA = {ASC: "ascending", DESC: "descending"}


@dataclass(frozen=True)
class SortColumn:
    """A column a list can be sorted by: its header's words, and the direction a first click sorts it (the one a
    person most likely wants: the newest first, the worst first)."""

    label: str
    first: str = ASC


@dataclass(frozen=True)
class SortOrder:
    key: str
    dir: str  # ASC or DESC

    @property
    def descending(self) -> bool:
        return self.dir == DESC

    @property
    def params(self) -> dict[str, str]:
        """The order as query parameters, for the links that must keep it (the next page, "back to the first")."""
        return {"sort": self.key, "dir": self.dir}


@dataclass(frozen=True)
class SortHeader:
    """A sortable column's header: the link that sorts by it (or the other way when already sorted so), what its
    aria-sort says, and the arrow sighted people see where there is no room for the header's own (phones)."""

    key: str
    label: str
    href: str
    aria_sort: str  # ascending, descending, none
    arrow: str  # "" when the list is not sorted by it


def sort_order(data: Mapping[str, str], *, columns: Mapping[str, SortColumn], default: SortOrder) -> SortOrder:
    """The order `?sort=` and `?dir=` ask for among `columns`; `default` for anything else. A sort without a
    direction takes the column's first one; `?sort=-key` (links kept from before `dir`) is the other way."""
    text = (data.get("sort") or "").strip()
    key = text.removeprefix("-")
    if key not in columns:
        return default
    first = columns[key].first
    direction = data.get("dir")
    if direction not in _ARIA:
        direction = (DESC if first == ASC else ASC) if text.startswith("-") else first
    return SortOrder(key, direction)


def sort_headers(order: SortOrder, *, columns: Mapping[str, SortColumn], query: str = "") -> dict[str, SortHeader]:
    """Each column's header by key: a link to sort by it in its first direction or, when already sorted so, the
    other way. `query` (url-encoded) is the page's other parameters, kept; its page or cursor is dropped."""
    headers = {}
    for key, column in columns.items():
        current = order.key == key
        wanted = (ASC if order.descending else DESC) if current else column.first
        params = QueryDict(query, mutable=True)
        for name in (*PAGE_PARAMS, "sort", "dir"):
            params.pop(name, None)
        params.update({"sort": key, "dir": wanted})
        aria = _ARIA[order.dir] if current else "none"
        headers[key] = SortHeader(
            key=key,
            label=column.label,
            href=f"?{params.urlencode()}",
            aria_sort=aria,
            arrow=("↑" if order.dir == ASC else "↓") if current else "",
        )
    return headers
