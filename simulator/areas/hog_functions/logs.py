"""A hog function's logs: `GET …/hog_functions/{id}/logs/` (hog_function:read).

posthog/api/log_entries.py LogEntryMixin.logs over fetch_log_entries (log_source "hog_function"):
LogEntryRequestSerializer reads `limit` (1–500, default 50), `after` and `before` (exclusive datetimes), `level`
(repeated: `upper(level) IN (…)`), `search` (`message ILIKE %search%`) and `instance_id`; a bad one is a 400 naming
it. ClickHouse answers the newest `limit` rows; DRF's LimitOffsetPagination then pages that short list with the
request's own `limit` and `offset`, so `count` is at most `limit`, `next` stays null and older entries are reached
by asking again with `before` (as PostHog's own logs view does).
"""

from simulator.areas.hog_functions import records
from simulator.areas.hog_functions.routes import both, function_of
from simulator.core.fields import DATETIME_FORMAT_ERROR, parse_datetime
from simulator.core.http import ApiError, Request, paginate, validation_error

DEFAULT_LIMIT, MAX_LIMIT = 50, 500


@both("GET", "/{id}/logs/", "hog_function:read")
def hog_function_logs(request: Request, team: int, id: str):
    from simulator.areas.plugin_configs.logs import ilike  # ClickHouse's ILIKE, as plugin logs read it

    function = function_of(request, team, id)
    limit = _limit(request)
    after, before = _moment(request, "after"), _moment(request, "before")
    search, instance_id = _text(request, "search"), _text(request, "instance_id")
    levels = {value.upper() for value in request.params("level")}
    rows = [
        entry
        for entry in records.logs_of(request.store, function["id"])
        if (not instance_id or entry["instance_id"] == instance_id)
        and (after is None or entry["timestamp"] > after)
        and (before is None or entry["timestamp"] < before)
        and (not levels or entry["level"] in levels)
    ]
    if search:
        pattern = ilike(search)
        rows = [entry for entry in rows if pattern.search(entry["message"])]
    return paginate(request, rows[:limit])


def _limit(request: Request) -> int:
    invalid = validation_error("limit", "A valid integer is required.", "invalid")
    value = request.number_param("limit", invalid=invalid)
    if value is None:
        return DEFAULT_LIMIT
    if value < 1:
        raise validation_error("limit", "Ensure this value is greater than or equal to 1.", "min_value")
    if value > MAX_LIMIT:
        raise validation_error("limit", f"Ensure this value is less than or equal to {MAX_LIMIT}.", "max_value")
    return value


def _moment(request: Request, name: str) -> str | None:
    value = request.param(name)
    if value is None:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise validation_error(name, DATETIME_FORMAT_ERROR, "invalid")
    return records.stamp(parsed)


def _text(request: Request, name: str) -> str | None:
    """A CharField(required=False): absent is None, empty is "This field may not be blank."."""
    value = request.param(name)
    if value is not None and not value.strip():
        raise ApiError(400, "This field may not be blank.", type="validation_error", code="blank", attr=name)
    return value
