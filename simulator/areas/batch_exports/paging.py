"""DRF's CursorPagination, as batch export runs (100 a page) and backfills (50) are paged.

rest_framework/pagination.py CursorPagination: the cursor is base64 of a query string `o=<offset>&r=<reverse>&p=
<position>`, the position being the ordering field's value on the last item of the page, so a page stays put when
newer rows arrive; `next` and `previous` are the request's own URL with `cursor=` replaced; a cursor that does not
decode is a 404 "Invalid cursor". The ordering comes from OrderingFilter (`?ordering=`), among the viewset's
ordering_fields, else its default `-created_at`.
"""

import base64
from urllib.parse import parse_qs, urlencode

from simulator.core.fields import parse_datetime
from simulator.core.http import ApiError, Request


def ordering(request: Request, allowed: tuple[str, ...], default: str = "-created_at") -> str:
    """OrderingFilter.get_ordering: the first valid term of `?ordering=`, else the default (invalid terms are
    ignored, not refused)."""
    for term in (request.param("ordering") or "").split(","):
        term = term.strip()
        if term and term.lstrip("-") in allowed:
            return term
    return default


def _decode(cursor: str) -> tuple[int, bool, str | None]:
    try:
        values = parse_qs(base64.b64decode(cursor.encode("ascii")).decode("ascii"), keep_blank_values=True)
        offset = int(values.get("o", ["0"])[0])
        reverse = bool(int(values.get("r", ["0"])[0]))
        position = values.get("p", [None])[0]
    except (TypeError, ValueError, UnicodeError):
        raise ApiError(404, "Invalid cursor", code="not_found") from None
    if offset < 0:
        raise ApiError(404, "Invalid cursor", code="not_found")
    return offset, reverse, position


def _encode(request: Request, *, offset: int, reverse: bool, position: str | None) -> str:
    query = {}
    if offset:
        query["o"] = str(offset)
    if reverse:
        query["r"] = "1"
    if position is not None:
        query["p"] = position
    return request.url(cursor=base64.b64encode(urlencode(query).encode("ascii")).decode("ascii"))


def cursor_page(request: Request, items: list[dict], *, field: str, descending: bool, page_size: int) -> dict:
    """One page of `items` (each with `field`, an ISO time) in the order asked, with next/previous URLs."""

    def key(item: dict):
        return parse_datetime(item.get(field)), item["id"]

    ordered = sorted(items, key=key, reverse=descending)
    cursor = request.param("cursor")
    offset, reverse, position = _decode(cursor) if cursor else (0, False, None)
    at = parse_datetime(position) if position is not None else None
    if position is not None and at is None:
        raise ApiError(404, "Invalid cursor", code="not_found")

    def after(item: dict) -> bool:
        value = parse_datetime(item.get(field))
        return value < at if descending else value > at  # type: ignore[operator]

    def before(item: dict) -> bool:
        value = parse_datetime(item.get(field))
        return value > at if descending else value < at  # type: ignore[operator]

    if not reverse:
        remaining = ordered if at is None else [item for item in ordered if after(item)]
        page = remaining[offset : offset + page_size]
        has_next = len(remaining) > offset + page_size
        has_previous = at is not None or offset > 0
    else:
        earlier = [item for item in ordered if before(item)]
        start = max(0, len(earlier) - offset - page_size)
        page = earlier[start : len(earlier) - offset]
        has_next, has_previous = True, start > 0
    next_url = _encode(request, offset=0, reverse=False, position=page[-1][field]) if has_next and page else None
    previous_url = _encode(request, offset=0, reverse=True, position=page[0][field]) if has_previous and page else None
    return {"next": next_url, "previous": previous_url, "results": page}
