"""One page of a PostHog list, as the list pages show it: by limit and offset, or by cursor (or time)."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class OffsetPage[T]:
    items: list[T]
    count: int | None  # None: PostHog did not say (the recordings list answers only `has_next`)
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
    def of_answer(
        cls, answer: dict[str, Any], *, items: list[T], offset: int, limit: int | None = None
    ) -> "OffsetPage[T]":
        """From a DRF list answer ({count, next, previous, results}) and its results turned into `items`; or from an
        answer that only says whether more follow ({results, has_next}: PostHog's session recordings list), paged by
        the `limit` it was asked with."""
        count = answer.get("count")
        if "next" not in answer and "has_next" in answer:
            step = limit or len(items)
            return cls(
                items=items,
                count=count if isinstance(count, int) else None,
                offset=offset,
                next_offset=offset + len(items) if answer.get("has_next") is True and items else None,
                previous_offset=max(0, offset - step) if offset > 0 else None,
            )
        return cls(
            items=items,
            count=count if isinstance(count, int) else None,
            offset=offset,
            next_offset=_offset_in(answer.get("next"), default=offset + len(items)),
            previous_offset=_offset_in(answer.get("previous"), default=0),
        )


@dataclass(frozen=True)
class CursorPage[T, C]:
    """One page of a list PostHog pages by a cursor it hands out, a page number, or a time: `next` is what to
    ask with for the following page (PostHog's cursor, the next page's number, `before=` that time); None when
    this is the last page."""

    items: list[T]
    next: C | None

    @property
    def has_next(self) -> bool:
        return self.next is not None


def _offset_in(url: Any, *, default: int) -> int | None:
    """The offset a `next`/`previous` URL asks for (DRF leaves it out for the first page); None: no URL."""
    if not isinstance(url, str) or not url:
        return None
    values = parse_qs(urlsplit(url).query).get("offset")
    return int(values[0]) if values and values[0].isdigit() else default
