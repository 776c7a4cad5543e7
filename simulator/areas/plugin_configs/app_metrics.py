"""App metrics of a plugin config: `GET /api/{projects,environments}/{id}/app_metrics/{plugin_config_id}/`.

posthog/api/app_metrics.py AppMetricsViewSet.retrieve (`scope_object = "plugin"`: plugin:read), routed only in
older PostHog versions (`profile.app_metrics`). Query params (AppMetricsRequestSerializer): `category` optional, one
of CATEGORIES; `date_from` (default `-30d`), `date_to` optional. There is no get_object(): an unknown config
answers 200 with zero counts. A batch export's UUID answers its runs (none here: zeros, `errors: null`); an id
holding "hog-" answers empty metrics.

The simulator's numbers follow the config's internal delivery rate (`_delivery_rate`): over the last 24 hours
(successes + successes_on_retry) / (that + failures) is that rate; earlier hours wander a little around it.
`errors` groups the config's ERROR log entries by their error type. Daily buckets, hourly ones under two days.
"""

import hashlib
import re
import uuid
from datetime import UTC, datetime, timedelta

from simulator.areas.plugin_configs.messages import stamp
from simulator.areas.plugin_configs.state import KIND
from simulator.core import context
from simulator.core.http import Request, validation_error
from simulator.core.routing import route

CATEGORIES = ("processEvent", "onEvent", "exportEvents", "scheduledTask", "webhook", "composeWebhook")
# Which categories a plugin's metrics fall in, by the simulator's plugin category.
PLUGIN_CATEGORIES = {
    "transform": "processEvent",
    "export": "onEvent",
    "crm": "onEvent",
    "webhook": "composeWebhook",
    "import": "scheduledTask",
}
RETRY_SHARE = {"healthy": 0.002, "degraded": 0.03, "failing": 0.08}
RELATIVE = re.compile(r"^-(?P<n>\d+)(?P<unit>[hdwmy])$")
UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1), "m": timedelta(days=30)}


def _available(profile) -> bool:
    return profile.app_metrics


@route("GET", "/api/projects/{project_id}/app_metrics/{id}/", scope="plugin:read", available=_available)
def app_metrics(request: Request, project_id: str, id: str):
    return metrics_answer(request, context.team_id(request, project_id=project_id), id)


@route("GET", "/api/environments/{environment_id}/app_metrics/{id}/", scope="plugin:read", available=_available)
def app_metrics_environment(request: Request, environment_id: str, id: str):
    return metrics_answer(request, context.team_id(request, environment_id=environment_id), id)


def metrics_answer(request: Request, team: int, id: str) -> dict:
    now = datetime.now(UTC)
    start, end = _date(request, "date_from", "-30d", now), _date(request, "date_to", None, now) or now
    if _is_uuid(id):  # a batch export: the simulator has none, so no runs
        return {"metrics": _metrics(_buckets(start, end), lambda a, b: (0, 0, 0)), "errors": None}
    category = request.param("category")
    if category not in (None, "") and category not in CATEGORIES:
        raise validation_error("category", f'"{category}" is not a valid choice.', "invalid_choice")
    if "hog-" in id:
        return {"metrics": _metrics([], None), "errors": []}
    config = request.store.get(KIND, id, parent=team) if id.isdigit() else None
    plugin = request.store.get("plugin", config["plugin"]) if config else None
    if config is None or plugin is None or (category and PLUGIN_CATEGORIES.get(plugin.get("_category")) != category):
        return {"metrics": _metrics(_buckets(start, end), lambda a, b: (0, 0, 0)), "errors": []}
    buckets = _buckets(start, end)
    return {
        "metrics": _metrics(buckets, lambda a, b: counts(config, a, b, now)),
        "errors": _errors(request, config, start, end),
    }


def counts(config: dict, start: datetime, end: datetime, now: datetime) -> tuple[int, int, int]:
    """(successes, successes_on_retry, failures) of the config between start and end, hour by hour."""
    rate = config.get("_delivery_rate")
    if rate is None:
        return 0, 0, 0
    created = datetime.fromisoformat(config["created_at"].replace("Z", "+00:00"))
    stopped = None if config["enabled"] else datetime.fromisoformat(config["updated_at"].replace("Z", "+00:00"))
    retry_share = RETRY_SHARE.get(config.get("_health") or "healthy", 0.002)
    successes = on_retry = failures = 0
    hour = start.replace(minute=0, second=0, microsecond=0)
    while hour < min(end, now):
        if hour >= created and (stopped is None or hour < stopped):
            volume = 40 + _hash(config["id"], "volume") % 400
            volume = round(volume * (0.8 + (_hash(config["id"], hour.isoformat()) % 41) / 100))
            recent = hour + timedelta(hours=1) > now - timedelta(hours=24)  # any hour touching the last 24 hours
            hour_rate = rate if recent else _wander(config["id"], hour, rate)
            failed = round(volume * (1 - hour_rate))
            retried = round((volume - failed) * retry_share)
            successes, on_retry, failures = successes + volume - failed - retried, on_retry + retried, failures + failed
        hour += timedelta(hours=1)
    return successes, on_retry, failures


def _wander(config_id: int, hour: datetime, rate: float) -> float:
    """Earlier days' rate: within a couple of points of today's, the same for every hour of a day."""
    step = (_hash(config_id, hour.date().isoformat()) % 41 - 20) / 1000
    return min(1.0, max(0.0, rate + step))


def _hash(*parts: object) -> int:
    return int(hashlib.sha1("/".join(map(str, parts)).encode()).hexdigest()[:8], 16)


def _buckets(start: datetime, end: datetime) -> list[tuple[str, datetime, datetime]]:
    """(label, start, end) of each bucket: hours when the range is shorter than two days, else days."""
    hourly = end - start < timedelta(days=2)
    step = timedelta(hours=1) if hourly else timedelta(days=1)
    moment = start.replace(minute=0, second=0, microsecond=0)
    if not hourly:
        moment = moment.replace(hour=0)
    buckets = []
    while moment <= end:
        label = moment.strftime("%Y-%m-%d %H:%M:%S" if hourly else "%Y-%m-%d")
        buckets.append((label, max(moment, start), min(moment + step, end)))
        moment += step
    return buckets


def _metrics(buckets: list[tuple[str, datetime, datetime]], count) -> dict:
    rows = [count(a, b) if count else (0, 0, 0) for _, a, b in buckets]
    successes, on_retry, failures = ([row[n] for row in rows] for n in range(3))
    return {
        "dates": [label for label, _, _ in buckets],
        "successes": successes,
        "successes_on_retry": on_retry,
        "failures": failures,
        "totals": {"successes": sum(successes), "successes_on_retry": sum(on_retry), "failures": sum(failures)},
    }


def _errors(request: Request, config: dict, start: datetime, end: datetime) -> list[dict]:
    """AppMetricsErrorsQuery's answer: {error_type, count, last_seen} per error type, most frequent first."""
    entries = request.store.logs_query(
        plugin_config_id=config["id"], after=stamp(start), before=stamp(end), types=["ERROR"]
    )
    grouped: dict[str, dict] = {}
    for entry in entries:
        if entry["team_id"] != config["team_id"]:
            continue
        error_type = entry["message"].split(":")[0].strip() or "Error"
        found = grouped.setdefault(error_type, {"error_type": error_type, "count": 0, "last_seen": entry["timestamp"]})
        found["count"] += 1
        found["last_seen"] = max(found["last_seen"], entry["timestamp"])
    return sorted(grouped.values(), key=lambda e: (-e["count"], e["error_type"]))


def _date(request: Request, name: str, default: str | None, now: datetime) -> datetime | None:
    """A relative date (`-30d`, `-24h`, `-2w`, `-3m`, `-1y`) or an ISO date or timestamp."""
    raw = request.param(name) or default
    if raw is None:
        return None
    if found := RELATIVE.match(raw.strip()):
        n, unit = int(found["n"]), found["unit"]
        delta = timedelta(days=365 * n) if unit == "y" else UNITS[unit] * n
        moment = now - delta
        return moment if unit == "h" else moment.replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        moment = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise validation_error(name, "Invalid date.", "invalid") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
