"""Plugin configs' and hog functions' conditions: a rate below a threshold for N minutes, ERROR entries above a count
in a window, an entry matching a text.

Values (Alert.values) by kind:
- rate_below: {"rate": the best rate of the window, "threshold", "minutes", "samples", "figure"};
- errors_above: {"errors": ERROR entries in the window, "count": the rule's limit, "minutes"};
- log_matches: {"matches": matching entries in the window, "text", "minutes"}.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Min, Model, OuterRef, Q, Subquery

from apps.alerts.conditions import Finding, covers, page_of, scoped
from apps.alerts.models import AlertRule
from apps.history.health import STALE_AFTER
from apps.history.models import (
    DeliverySnapshot,
    HogFunctionLogCursor,
    HogFunctionLogEntry,
    HogFunctionMetricSnapshot,
    LogCursor,
    PluginLogEntry,
)
from apps.history.selectors.health import RATE_WINDOW

PLUGIN_CONFIG = AlertRule.ItemType.PLUGIN_CONFIG
HOG_FUNCTION = AlertRule.ItemType.HOG_FUNCTION
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class _LogSource:
    """Where one kind of item keeps its log entries, and where its name is."""

    item_type: str
    entries: type[Model]
    item_field: str
    level_field: str
    cursors: type[Model]
    name_field: str
    page: str
    fallback_name: str


_LOG_SOURCES = (
    _LogSource(
        PLUGIN_CONFIG, PluginLogEntry, "plugin_config_id", "type", LogCursor, "config_name", "plugins:config_detail",
        "Plugin config",
    ),
    _LogSource(
        HOG_FUNCTION, HogFunctionLogEntry, "function_id", "level", HogFunctionLogCursor, "function_name",
        "hog_functions:detail", "Hog function",
    ),
)  # fmt: skip


def rate_below(rule: AlertRule, now: datetime) -> list[Finding]:
    """Every rate sample of the last `minutes` (a plugin config's delivery-rate snapshots, a hog function's hourly
    run counts overlapping the window) is below `threshold`, and there is at least one. Two queries."""
    threshold = rule.threshold if rule.threshold is not None else 0.95
    since = now - timedelta(minutes=rule.minutes)
    return _configs_rate_below(rule, now, since, threshold) + _functions_rate_below(rule, now, since, threshold)


def _configs_rate_below(rule: AlertRule, now: datetime, since: datetime, threshold: float) -> list[Finding]:
    """One query. A config whose snapshots stopped (its window empty) is not called recovered on no evidence: while
    its samples of the STALE_AFTER before the window were all below too, it keeps an open alert (but opens none)."""
    if not _item_id_fits(rule, PLUGIN_CONFIG) or not covers(rule, PLUGIN_CONFIG):
        return []
    # A disabled config's rate describes the day before it was switched off: not a failure now.
    samples = DeliverySnapshot.objects.filter(
        resolution=DeliverySnapshot.RAW,
        taken_at__gt=since - STALE_AFTER,
        taken_at__lte=now,
        enabled=True,
        delivery_rate__isnull=False,
    )
    in_window = Q(taken_at__gt=since)
    rows = (
        scoped(samples, rule, item_field="plugin_config_id", item_type=PLUGIN_CONFIG)
        .values("plugin_config_id")
        .annotate(
            best=Max("delivery_rate", filter=in_window),
            best_before=Max("delivery_rate"),
            first=Min("taken_at", filter=in_window),
            first_before=Min("taken_at"),
            samples=Count("id", filter=in_window),
            name=Max("config_name"),
            project=Max("project_id"),
            error=_newest_error(_LOG_SOURCES[0], rule, now),
        )
        .filter(Q(samples__gt=0, best__lt=threshold) | Q(samples=0, best_before__lt=threshold))
        .values_list(
            "plugin_config_id", "best", "best_before", "first", "first_before", "samples", "name", "project", "error"
        )
    )
    return [
        Finding(
            subject=f"plugin_config:{project}:{config_id}",
            subject_name=name or f"Plugin config {config_id}",
            link=page_of("plugins:config_detail", config_id),
            started_at=first or first_before,
            values=_rate_values(best if samples else best_before, threshold, rule.minutes, samples, "delivery rate"),
            message=error or "",
            opens=bool(samples),
        )
        for config_id, best, best_before, first, first_before, samples, name, project, error in rows
    ]


def _functions_rate_below(rule: AlertRule, now: datetime, since: datetime, threshold: float) -> list[Finding]:
    if not covers(rule, HOG_FUNCTION):
        return []
    # An hour's row counts the runs of [hour, hour + 1 h): it is a sample of the window when the two overlap. At most
    # minutes / 60 + 1 rows per function, judged here rather than in SQL for clarity.
    hours = scoped(
        HogFunctionMetricSnapshot.objects.filter(hour__gt=since - HOUR, hour__lte=now),
        rule,
        item_field="function_id",
        item_type=HOG_FUNCTION,
    ).values_list("function_id", "function_name", "project_id", "hour", "succeeded", "failed")
    seen: dict[str, dict] = {}
    for function_id, name, project, hour, succeeded, failed in hours:
        runs = succeeded + failed
        if not runs:
            continue  # no runs is not a rate
        item = seen.setdefault(function_id, {"name": name, "project": project, "rates": [], "first": hour})
        item["rates"].append(succeeded / runs)
        item["first"] = min(item["first"], hour)
    failing = {key: item for key, item in seen.items() if max(item["rates"]) < threshold}
    errors = _newest_errors(_LOG_SOURCES[1], rule, now, list(failing))
    return [
        Finding(
            subject=f"hog_function:{item['project']}:{function_id}",
            subject_name=item["name"] or f"Hog function {function_id[:8]}",
            link=page_of("hog_functions:detail", function_id),
            started_at=max(item["first"], since),
            values=_rate_values(max(item["rates"]), threshold, rule.minutes, len(item["rates"]), "runs succeeded"),
            message=errors.get(function_id, ""),
        )
        for function_id, item in failing.items()
    ]


def errors_above(rule: AlertRule, now: datetime) -> list[Finding]:
    """More than `count` ERROR entries whose timestamp is in the last `minutes`. Two queries."""
    limit = rule.count or 0
    findings = []
    for source in _LOG_SOURCES:
        for item_id, project, name, entries, first, message in _log_window(
            source, rule, now, Q(**{source.level_field: "ERROR"}), more_than=limit
        ):
            findings.append(
                _item_finding(
                    source, item_id, project, name, first, message,
                    {"errors": entries, "count": limit, "minutes": rule.minutes},
                )
            )  # fmt: skip
    return findings


def log_matches(rule: AlertRule, now: datetime) -> list[Finding]:
    """Any entry (of any level) whose message holds `text`, case-insensitively, timestamped in the last `minutes`.
    Two queries."""
    if not rule.text:
        return []
    findings = []
    for source in _LOG_SOURCES:
        for item_id, project, name, entries, first, message in _log_window(
            source, rule, now, Q(message__icontains=rule.text), more_than=0
        ):
            findings.append(
                _item_finding(
                    source, item_id, project, name, first, message,
                    {"matches": entries, "text": rule.text, "minutes": rule.minutes},
                )
            )  # fmt: skip
    return findings


def _log_window(source: _LogSource, rule: AlertRule, now: datetime, matching: Q, *, more_than: int) -> list[tuple]:
    """(item id, project, name, entries, oldest entry's time, newest entry's message) of every item with more than
    `more_than` entries `matching` timestamped in (now − minutes, now]. One query."""
    if not _item_id_fits(rule, source.item_type) or not covers(rule, source.item_type):
        return []
    since = now - timedelta(minutes=rule.minutes)
    entries = scoped(
        source.entries.objects.filter(matching, timestamp__gt=since, timestamp__lte=now),  # type: ignore[attr-defined]
        rule,
        item_field=source.item_field,
        item_type=source.item_type,
    )
    newest = entries.filter(**{source.item_field: OuterRef(source.item_field)}).order_by("-timestamp", "-id")
    name = source.cursors.objects.filter(  # type: ignore[attr-defined]
        connection_id=rule.connection_id, **{source.item_field: OuterRef(source.item_field)}
    ).values(source.name_field)[:1]
    return list(
        entries.values(source.item_field)
        .annotate(
            entries=Count("id"),
            first=Min("timestamp"),
            project=Max("project_id"),
            name=Subquery(name),
            message=Subquery(newest.values("message")[:1]),
        )
        .filter(entries__gt=more_than)
        .values_list(source.item_field, "project", "name", "entries", "first", "message")
    )


def _item_finding(
    source: _LogSource, item_id, project: str, name: str | None, first: datetime, message: str | None, values: dict
) -> Finding:
    return Finding(
        subject=f"{source.item_type}:{project}:{item_id}",
        subject_name=name or f"{source.fallback_name} {str(item_id)[:8]}",
        link=page_of(source.page, item_id),
        started_at=first,
        values=values,
        message=message or "",
    )


def _newest_error(source: _LogSource, rule: AlertRule, now: datetime) -> Subquery:
    """The newest ERROR message of the item of the outer row, within RATE_WINDOW (on the item's type-time index)."""
    errors = source.entries.objects.filter(  # type: ignore[attr-defined]
        connection_id=rule.connection_id,
        timestamp__gt=now - RATE_WINDOW,
        timestamp__lte=now,
        **{source.item_field: OuterRef(source.item_field), source.level_field: "ERROR"},
    ).order_by("-timestamp", "-id")
    return Subquery(errors.values("message")[:1])


def _newest_errors(source: _LogSource, rule: AlertRule, now: datetime, item_ids: list) -> dict:
    """The newest ERROR message of each of `item_ids` within RATE_WINDOW: one query (none without items), on the
    log cursors (one row per item: the log poller keeps one for every item whose logs it reads)."""
    if not item_ids:
        return {}
    rows = (
        source.cursors.objects.filter(  # type: ignore[attr-defined]
            connection_id=rule.connection_id, **{f"{source.item_field}__in": item_ids}
        )
        .annotate(message=_newest_error(source, rule, now))
        .values_list(source.item_field, "message")
    )
    return {item_id: message for item_id, message in rows if message}


def _rate_values(rate: float, threshold: float, minutes: int, samples: int, figure: str) -> dict:
    return {"rate": rate, "threshold": threshold, "minutes": minutes, "samples": samples, "figure": figure}


def _item_id_fits(rule: AlertRule, item_type: str) -> bool:
    """A plugin config's id is a number: a rule on another id can match none (and must not break the query)."""
    return not (rule.scope == AlertRule.Scope.ITEM and item_type == PLUGIN_CONFIG and not rule.item_id.isdigit())
