"""A hog function's app metrics: `…/hog_functions/{id}/metrics/` and `…/metrics/totals/` (hog_function:read).

posthog/api/app_metrics2.py AppMetricsMixin (app_source "hog_function"), per function only: there is no call for
a team's totals of hog functions. AppMetricsRequestSerializer reads `after` (default "-7d") and `before` (relative
like "-24h" or ISO; see posthog/utils.py relative_date_parse_with_delta_mapping), `interval` (hour, day or week;
default day), `name` and `kind` (comma-separated filters), `breakdown_by` (name or kind; default kind),
`instance_id`. A bad choice is a 400 naming the field.
- metrics: {"labels": [...], "series": [{"name", "values"}]}: labels from `after` (in the team's time zone,
  normalised to the interval) up to `before`; values per label, 0 where nothing ran. ClickHouse buckets in UTC
  while labels follow the team's zone, and the simulator keeps that, as PostHog does.
- totals: {"totals": {breakdown: count}} over the range (only `after` bounds it unless `before` is sent).
The simulator counts by the hour: an hour that overlaps the range counts whole.
"""

import calendar
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from simulator.areas.hog_functions import records
from simulator.areas.hog_functions.routes import both, function_of
from simulator.core.http import Request, validation_error

INTERVALS = ("hour", "day", "week")
BREAKDOWNS = ("name", "kind")
LABEL_FORMATS = {"hour": "%Y-%m-%dT%H:%M", "day": "%Y-%m-%d", "week": "%Y-%m-%d"}
RELATIVE = re.compile(r"\-?(?P<number>[0-9]+)?(?P<kind>[hdwmqysHDWMQY])(?P<position>Start|End)?")
UNITS = {"h": "hours", "d": "days", "w": "weeks", "M": "minutes", "s": "seconds"}


@both("GET", "/{id}/metrics/", "hog_function:read")
def hog_function_metrics(request: Request, team: int, id: str):
    """metrics: after defaults to "-7d", before to now (both parsed whatever is sent)."""
    function_id, params, after, before = _query(request, team, id, before_default="-0d")
    interval, label_format = params["interval"], LABEL_FORMATS[params["interval"]]
    by_breakdown: dict[str, dict[str, int]] = {}
    for at, name, count in _rows(request, function_id, after, before, params):
        bucket = _bucket_start(at, interval).strftime(label_format)
        values = by_breakdown.setdefault(_breakdown(name, params["breakdown_by"]), {})
        values[bucket] = values.get(bucket, 0) + count
    labels = _labels(after, before or after, interval)
    series = [
        {"name": name, "values": [values.get(label, 0) for label in labels]}
        for name, values in sorted(by_breakdown.items())
    ]
    return {"labels": labels, "series": series}


@both("GET", "/{id}/metrics/totals/", "hog_function:read")
def hog_function_metrics_totals(request: Request, team: int, id: str):
    """metrics_totals: `before` bounds the range only when sent."""
    function_id, params, after, before = _query(request, team, id, before_default=None)
    totals: dict[str, int] = {}
    for _, name, count in _rows(request, function_id, after, before, params):
        key = _breakdown(name, params["breakdown_by"])
        totals[key] = totals.get(key, 0) + count
    return {"totals": totals}


def _query(
    request: Request, team: int, id: str, *, before_default: str | None
) -> tuple[str, dict, datetime, datetime | None]:
    """The function (404 unless the team's), the checked parameters and the range, in the team's time zone."""
    function = function_of(request, team, id)
    params = _params(request)
    zone, now = _zone(request, team), datetime.now(UTC)
    after = relative_moment(request.param("after") or "-7d", zone, now)
    before_text = request.param("before") or before_default
    return function["id"], params, after, relative_moment(before_text, zone, now) if before_text else None


def relative_moment(value: str, zone: ZoneInfo, now: datetime) -> datetime:
    """relative_date_parse_with_delta_mapping without truncation: an ISO time (the team's zone when it names none),
    else "-24h", "-7d", "-1m"… before now; text it cannot read is now."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is not None:
        return parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed.astimezone(zone)
    found = RELATIVE.search(value)
    moment = now.astimezone(zone)
    if not found or not found.group("number"):
        return moment
    number, kind = int(found.group("number")), found.group("kind")
    if kind in ("m", "y"):
        return _months_earlier(moment, number * (12 if kind == "y" else 1))
    if kind == "q":
        return moment - timedelta(weeks=13 * number)  # quarters: 13 weeks each
    return moment - timedelta(**{UNITS[kind]: number}) if kind in UNITS else moment


def _months_earlier(moment: datetime, months: int) -> datetime:
    """relativedelta(months=…): the same day of an earlier month, or that month's last day."""
    years, month = divmod(moment.month - 1 - months, 12)
    year = moment.year + years
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _params(request: Request) -> dict:
    interval = request.param("interval") or "day"
    if interval not in INTERVALS:
        raise validation_error("interval", f'"{interval}" is not a valid choice.', "invalid_choice")
    breakdown = request.param("breakdown_by") or "kind"
    if breakdown not in BREAKDOWNS:
        raise validation_error("breakdown_by", f'"{breakdown}" is not a valid choice.', "invalid_choice")
    names = [n for n in (request.param("name") or "").split(",") if n]
    kinds = [k for k in (request.param("kind") or "").split(",") if k]
    return {"interval": interval, "breakdown_by": breakdown, "names": names, "kinds": kinds}


def _rows(request: Request, function_id: str, after: datetime, before: datetime | None, params: dict):
    for at, name, count in records.metric_rows(request.store, function_id):
        if at + timedelta(hours=1) <= after or (before is not None and at > before):
            continue
        if params["names"] and name not in params["names"]:
            continue
        if params["kinds"] and records.METRIC_KINDS.get(name, "other") not in params["kinds"]:
            continue
        yield at, name, count


def _breakdown(name: str, breakdown_by: str) -> str:
    return name if breakdown_by == "name" else records.METRIC_KINDS.get(name, "other")


def _bucket_start(at: datetime, interval: str) -> datetime:
    """ClickHouse's toStartOfInterval in UTC (weeks start on Monday)."""
    at = at.astimezone(UTC)
    if interval == "hour":
        return at.replace(minute=0, second=0, microsecond=0)
    day = at.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday()) if interval == "week" else day


def _labels(after: datetime, before: datetime, interval: str) -> list[str]:
    """fetch_app_metrics_trends' labels: from `after` normalised to the interval, in its zone, while <= before."""
    moment = after.replace(minute=0, second=0, microsecond=0)
    if interval != "hour":
        moment = moment.replace(hour=0)
    if interval == "week":
        moment -= timedelta(days=moment.weekday())
    step = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}[interval]
    labels = []
    while moment <= before:
        labels.append(moment.strftime(LABEL_FORMATS[interval]))
        moment += step
    return labels


def _zone(request: Request, team: int) -> ZoneInfo:
    team_doc = request.store.get("project", team) or request.store.get("environment", team) or {}
    try:
        return ZoneInfo(team_doc.get("timezone") or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")
