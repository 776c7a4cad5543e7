"""The two ways PostHog has paged the groups list (ee/clickhouse/views/groups.py GroupsViewSet.list).

Newer versions page with their own keyset cursor over (created_at, group_key), newest first: `next` carries only
group_type_index, cursor, search and group_key, `previous` is always null, and a cursor that does not decode
starts again from the first page. Older versions used DRF's CursorPagination (ordering "-created_at", 100 a
page): `next` and `previous` keep every query parameter, and a broken cursor is a 404 "Invalid cursor".
"""

import base64
import json
from datetime import datetime
from urllib.parse import urlencode

from simulator.core.http import ApiError, Request, paginate_cursor

PAGE_SIZE = 100


def created_at_us(group: dict) -> int:
    moment = datetime.fromisoformat(group["created_at"].replace("Z", "+00:00"))
    return int(moment.timestamp() * 1_000_000)


def _encode(created_us: int, group_key: str) -> str:
    """_encode_groups_cursor."""
    return base64.urlsafe_b64encode(json.dumps({"c": created_us, "k": group_key}).encode()).decode()


def _decode(cursor: str) -> tuple[int, str]:
    """_decode_groups_cursor: anything unreadable (or an old cursor without "k") means the first page."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor))
        if "k" not in data:
            return 0, ""
        raw_ts = int(data.get("c", 0))
        if 0 < raw_ts < 1e15:
            raw_ts *= 1000
        return raw_ts, str(data.get("k", ""))
    except Exception:
        return 0, ""


def keyset_page(request: Request, groups: list[dict], *, group_type_index: int, search: str, group_key: str) -> dict:
    ordered = sorted(groups, key=lambda g: (created_at_us(g), g["group_key"]), reverse=True)
    cursor = request.param("cursor")
    position = _decode(cursor) if cursor else (0, "")
    if position[0]:
        ordered = [g for g in ordered if (created_at_us(g), g["group_key"]) < position]
    page, has_more = ordered[:PAGE_SIZE], len(ordered) > PAGE_SIZE
    next_url = None
    if has_more and page:
        params: dict[str, str | int] = {
            "group_type_index": group_type_index,
            "cursor": _encode(created_at_us(page[-1]), page[-1]["group_key"]),
        }
        if search:
            params["search"] = search
        if group_key:
            params["group_key"] = group_key
        next_url = f"{request.base_url}{request.path}?{urlencode(params)}"
    return {"next": next_url, "previous": None, "results": page}


def drf_cursor_page(request: Request, groups: list[dict]) -> dict:
    ordered = sorted(groups, key=lambda g: (g["created_at"], g["id"]), reverse=True)
    try:
        return paginate_cursor(request, ordered, PAGE_SIZE)
    except ApiError:
        # rest_framework/pagination.py CursorPagination.decode_cursor: NotFound(invalid_cursor_message).
        raise ApiError(404, "Invalid cursor", code="not_found") from None
