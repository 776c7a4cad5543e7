"""A plugin config's logs: `.../plugin_configs/{plugin_config_id}/logs/`.

products/cdp/backend/api/plugin_log_entry.py (older: posthog/api/plugin_log_entry.py) PluginLogEntryViewSet and
fetch_plugin_log_entries: `scope_object = "plugin"` (plugin:read), PluginsAccessLevelPermission; rows filtered by
team and config id only (the config's existence is not checked), newest first; `after`/`before` exclusive ISO
timestamps (a bad one is a ValueError: 500), `search` an ILIKE `%search%` (so `%` and `_` are wildcards), repeated
`type_filter` (an unknown type is a KeyError: 500). Then DRF's LimitOffsetPagination pages the fetched rows.

How many rows PostHog fetches differs by version (`profile.plugin_logs_offset`):
- newest: `offset + page size + 1`, so `offset` works and `count` is at most offset + limit + 1;
- older: only `limit` rows (all of them without a limit), so `count` is at most `limit`, `next` stays null and an
  `offset` above 0 with a `limit` answers an empty page.
"""

import re
from datetime import UTC, datetime
from urllib.parse import urlencode

from simulator.areas.plugin_configs.messages import LOG_TYPES, stamp
from simulator.areas.plugin_configs.validation import server_error
from simulator.areas.plugins.state import require_access
from simulator.core import context
from simulator.core.http import ApiError, Request, not_found
from simulator.core.routing import route

BASE = "/api/projects/{project_id}/plugin_configs"
DEFAULT_LIMIT = 100  # posthog/settings/web.py REST_FRAMEWORK PAGE_SIZE


@route("GET", BASE + "/{plugin_config_id}/logs/", scope="plugin:read")
def config_logs(request: Request, project_id: str, plugin_config_id: str):
    team = context.team_id(request, project_id=project_id)
    require_access(request, request.key["organization_id"])
    if not plugin_config_id.isdigit():
        raise not_found()
    newest = request.profile.plugin_logs_offset
    limit = _count_param(request, "limit", check_negative=newest)
    offset = (_count_param(request, "offset", check_negative=True) or 0) if newest else _lenient_offset(request)
    types = request.params("type_filter")
    if any(value not in LOG_TYPES for value in types):
        raise server_error()  # PluginLogEntryType[t]: KeyError
    rows = query(
        request,
        team=team,
        plugin_config_id=int(plugin_config_id),
        after=_instant(request.param("after")),
        before=_instant(request.param("before")),
        search=request.param("search") or None,
        types=types or None,
    )
    if newest:
        # "The paginator slices this list, so ClickHouse must return every row up to the end of the requested
        # page. The extra row tells the paginator that a next page exists."
        rows = rows[: offset + (limit if limit is not None else DEFAULT_LIMIT) + 1]
    elif limit is not None:
        rows = rows[:limit]
    return _page(request, rows)


def query(
    request: Request,
    *,
    team: int,
    plugin_config_id: int,
    after: str | None,
    before: str | None,
    search: str | None,
    types: list[str] | None,
) -> list[dict]:
    """fetch_plugin_log_entries without its LIMIT: every matching row, newest first."""
    rows = request.store.logs_query(plugin_config_id=plugin_config_id, after=after, before=before, types=types)
    rows = [row for row in rows if row["team_id"] == team]
    if search:
        pattern = ilike(search)
        rows = [row for row in rows if pattern.search(row["message"])]
    return rows


def ilike(text: str) -> re.Pattern:
    """ClickHouse's `message ILIKE %text%`: `%` any run of characters, `_` one character, `\\` escapes."""
    parts, escaped = [], False
    for char in text:
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def _count_param(request: Request, name: str, *, check_negative: bool) -> int | None:
    """_parse_count_param: empty is None; not an integer (or, in the newest code, negative) is a 400."""
    invalid = ApiError(400, f"Query param {name} must be omitted or an integer!", type="validation_error")
    value = request.number_param(name, invalid=invalid)
    if value is not None and value < 0:
        if check_negative:
            raise ApiError(400, f"Query param {name} must not be negative!", type="validation_error")
        raise server_error()  # older: ClickHouse refuses `LIMIT -n`
    return value


def _lenient_offset(request: Request) -> int:
    """Older versions leave `offset` to DRF's paginator, which reads anything but a non-negative integer as 0."""
    try:
        return max(0, int(request.param("offset") or 0))
    except ValueError:
        return 0


def _instant(value: str | None) -> str | None:
    """datetime.fromisoformat(value.replace("Z", "+00:00")); anything else is a ValueError (a 500)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise server_error() from None
    return stamp(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _page(request: Request, rows: list[dict]) -> dict:
    """DRF's LimitOffsetPagination over the fetched rows: a limit that is not a positive integer is the default,
    an offset that is not a non-negative integer is 0; previous drops `offset` when it would be 0."""
    limit = _positive(request.param("limit"), strict=True) or DEFAULT_LIMIT
    offset = _positive(request.param("offset"), strict=False) or 0
    count = len(rows)
    next_url = request.url(limit=limit, offset=offset + limit) if offset + limit < count else None
    previous_url = None
    if offset > 0:
        if offset - limit <= 0:
            query = {k: v for k, v in request.query.items() if k != "offset"}
            previous_url = _url(request, {**query, "limit": [str(limit)]})
        else:
            previous_url = request.url(limit=limit, offset=offset - limit)
    return {"count": count, "next": next_url, "previous": previous_url, "results": rows[offset : offset + limit]}


def _positive(raw: str | None, *, strict: bool) -> int | None:
    try:
        value = int(raw) if raw not in (None, "") else None
    except ValueError:
        return None
    if value is None or value < 0 or (strict and value == 0):
        return None
    return value


def _url(request: Request, query: dict[str, list[str]]) -> str:
    return f"{request.base_url}{request.path}?{urlencode(query, doseq=True)}"
