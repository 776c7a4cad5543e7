"""One page of a PostHog list read by limit and offset, as the list pages show it."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class OffsetPage[T]:
    items: list[T]
    count: int
    offset: int
    next_offset: int | None  # None: no such page
    previous_offset: int | None

    @property
    def first(self) -> int:
        return self.offset + 1

    @property
    def last(self) -> int:
        return self.offset + len(self.items)

    @classmethod
    def of_answer(cls, answer: dict, *, items: list[T], offset: int) -> "OffsetPage[T]":
        """From a DRF list answer ({count, next, previous, results}) and its results turned into `items`."""
        count = answer.get("count")
        return cls(
            items=items,
            count=count if isinstance(count, int) else len(items),
            offset=offset,
            next_offset=_offset_in(answer.get("next"), default=offset + len(items)),
            previous_offset=_offset_in(answer.get("previous"), default=0),
        )


def _offset_in(url: Any, *, default: int) -> int | None:
    """The offset a `next`/`previous` URL asks for (DRF leaves it out for the first page); None: no URL."""
    if not isinstance(url, str) or not url:
        return None
    values = parse_qs(urlsplit(url).query).get("offset")
    return int(values[0]) if values and values[0].isdigit() else default
