"""What a hog function's runs leave behind: log entries and app metrics, kept in the store beside the function.

PostHog keeps both in ClickHouse (`log_entries` with log_source "hog_function", `app_metrics2` with app_source
"hog_function"); the simulator keeps one document of each per function:
- logs: entries in PostHog's shape (posthog/api/log_entries.py LogEntry: log_source_id, instance_id, timestamp,
  level, message; no id), newest first, at most MAX_ENTRIES and a week of them;
- metrics: counts per metric name per hour ({"2026-01-05T10": {"succeeded": 12, "failed": 1}}), a month of them.
  Hours are the simulator's grain: a range starting mid-hour counts that whole hour.
"""

from datetime import UTC, datetime, timedelta

from simulator.core.store import Store

LOG_KIND = "hog_function_logs"
METRICS_KIND = "hog_function_metrics"
MAX_ENTRIES = 3000
LOG_RETENTION = timedelta(days=7)
METRICS_RETENTION = timedelta(days=31)
HOUR_FORMAT = "%Y-%m-%dT%H"
# nodejs/src/cdp/types.ts MinimalAppMetric: metric_name → metric_kind, as the CDP workers write them.
METRIC_KINDS = {
    "succeeded": "success",
    "failed": "failure",
    "filtered": "other",
    "dropped": "other",
    "disabled_temporarily": "failure",
    "disabled_permanently": "failure",
    "inputs_failed": "failure",
    "rate_limited": "failure",
    "fetch": "fetch",
    "billable_invocation": "billing",
}
LEVELS = ("DEBUG", "LOG", "INFO", "WARN", "ERROR")


def stamp(moment: datetime) -> str:
    """ClickHouse's DateTime64(6) as DRF answers it: microseconds and a Z, so stamps compare as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def log_entry(function_id: str, moment: datetime, level: str, message: str, instance_id: str) -> dict:
    """posthog/api/log_entries.py LogEntry (level upper-cased, as fetch_log_entries selects it)."""
    return {
        "log_source_id": function_id,
        "instance_id": instance_id,
        "timestamp": stamp(moment),
        "level": level.upper(),
        "message": message,
    }


def logs_of(store: Store, function_id: str) -> list[dict]:
    """Every kept entry of a function, newest first."""
    found = store.get(LOG_KIND, function_id)
    return list(found["entries"]) if found else []


def logs_add(store: Store, function: dict, entries: list[dict]) -> None:
    if not entries:
        return
    kept = sorted([*logs_of(store, function["id"]), *entries], key=lambda e: e["timestamp"], reverse=True)
    document = {"id": function["id"], "entries": kept[:MAX_ENTRIES]}
    if store.get(LOG_KIND, function["id"]) is None:
        store.insert(LOG_KIND, document, parent=function["team_id"], id=function["id"])
    else:
        store.update(LOG_KIND, function["id"], document)


def hours_of(store: Store, function_id: str) -> dict[str, dict[str, int]]:
    found = store.get(METRICS_KIND, function_id)
    return dict(found["hours"]) if found else {}


def metrics_add(store: Store, function: dict, moment: datetime, counts: dict[str, int]) -> None:
    """Counts of this hour's runs added to what the function's hour already holds."""
    counts = {name: count for name, count in counts.items() if count}
    if not counts:
        return
    hours = hours_of(store, function["id"])
    hour = moment.astimezone(UTC).strftime(HOUR_FORMAT)
    bucket = dict(hours.get(hour) or {})
    for name, count in counts.items():
        bucket[name] = bucket.get(name, 0) + count
    hours[hour] = bucket
    metrics_set(store, function, hours)


def metrics_set(store: Store, function: dict, hours: dict[str, dict[str, int]]) -> None:
    """The function's hours as given (the seed's week at once)."""
    kept = {hour: {name: count for name, count in counts.items() if count} for hour, counts in hours.items()}
    document = {"id": function["id"], "hours": {hour: counts for hour, counts in kept.items() if counts}}
    if store.get(METRICS_KIND, function["id"]) is None:
        store.insert(METRICS_KIND, document, parent=function["team_id"], id=function["id"])
    else:
        store.update(METRICS_KIND, function["id"], document)


def metric_rows(store: Store, function_id: str) -> list[tuple[datetime, str, int]]:
    """(hour, metric name, count) of every kept hour: app_metrics2's rows at the simulator's grain."""
    rows = []
    for hour, counts in hours_of(store, function_id).items():
        at = datetime.strptime(hour, HOUR_FORMAT).replace(tzinfo=UTC)
        rows.extend((at, name, count) for name, count in counts.items())
    return rows


def prune(store: Store, now: datetime) -> None:
    """Logs older than a week and metrics older than a month go, as ClickHouse's TTLs drop them."""
    oldest_log = stamp(now - LOG_RETENTION)
    oldest_hour = (now - METRICS_RETENTION).strftime(HOUR_FORMAT)
    for document in store.all(LOG_KIND):
        entries = document["entries"]
        if entries and entries[-1]["timestamp"] < oldest_log:
            kept = [entry for entry in entries if entry["timestamp"] >= oldest_log]
            store.update(LOG_KIND, document["id"], {**document, "entries": kept})
    for document in store.all(METRICS_KIND):
        hours = document["hours"]
        if any(hour < oldest_hour for hour in hours):
            kept_hours = {hour: counts for hour, counts in hours.items() if hour >= oldest_hour}
            store.update(METRICS_KIND, document["id"], {**document, "hours": kept_hours})
