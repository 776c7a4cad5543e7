"""What each kind of rule looks for in what the pollers stored, one evaluator per `AlertRule.Kind`.

An evaluator reads the portal's database only (never PostHog) and answers the subjects for which the rule's condition
holds now, each as a `Finding`. A subject missing from the answer no longer meets the condition: its open alert
resolves. Conditions are judged by the data's own time (an entry's timestamp, a snapshot's moment, a run's end),
never by when it was stored, so a poller catching up on old entries cannot start a flood of alerts.

Every evaluator costs a fixed number of queries whatever the number of items it covers: aggregates grouped by item,
bounded by the rule's window and the indexes that start with the connection.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.urls import NoReverseMatch, reverse

from apps.alerts.models import AlertRule


@dataclass(frozen=True)
class Finding:
    """One subject for which a rule's condition holds at the evaluation."""

    subject: str  # unique within the rule: "plugin_config:<project>:<id>", "poller:<connection>:<kind>"…
    subject_name: str
    link: str  # the subject's portal page (a path), "" without one
    started_at: datetime  # when the condition started, by the data's time
    values: dict[str, Any] = field(default_factory=dict)  # the numbers, JSON-safe
    message: str = ""  # the last error, as stored
    # False: the finding only keeps an episode open, it may not start one (an old failure a poller just caught up
    # on is history, not news).
    opens: bool = True


Evaluator = Callable[[AlertRule, datetime], list[Finding]]


def conditions_evaluate(*, rule: AlertRule, now: datetime) -> list[Finding]:
    """The subjects for which `rule`'s condition holds at `now`."""
    # Imported here: the evaluators' modules import this one for Finding and the helpers below.
    from apps.alerts.conditions import changes, exports, pipeline, pollers

    evaluators: dict[str, Evaluator] = {
        AlertRule.Kind.RATE_BELOW: pipeline.rate_below,
        AlertRule.Kind.ERRORS_ABOVE: pipeline.errors_above,
        AlertRule.Kind.LOG_MATCHES: pipeline.log_matches,
        AlertRule.Kind.EXPORT_FAILED: exports.export_failed,
        AlertRule.Kind.EXPORT_OVERDUE: exports.export_overdue,
        AlertRule.Kind.CHANGED_OUTSIDE: changes.changed_outside,
        AlertRule.Kind.POLLER_STALE: pollers.poller_stale,
        AlertRule.Kind.KEY_ROLLED: changes.key_rolled,
    }
    return evaluators[rule.kind](rule, now)


def covers(rule: AlertRule, item_type: str) -> bool:
    """Whether the rule looks at items of `item_type` at all (a rule on one plugin config ignores hog functions)."""
    return rule.scope != AlertRule.Scope.ITEM or rule.item_type == item_type


def scoped(rows, rule: AlertRule, *, item_field: str, item_type: str):
    """`rows` of the rule's connection, narrowed to its project or item."""
    rows = rows.filter(connection_id=rule.connection_id)
    if rule.scope in (AlertRule.Scope.PROJECT, AlertRule.Scope.ITEM) and rule.project_id:
        rows = rows.filter(project_id=rule.project_id)
    if rule.scope == AlertRule.Scope.ITEM:
        rows = rows.filter(**{item_field: rule.item_id}) if rule.item_type == item_type else rows.none()
    return rows


def page_of(url_name: str, *args: object) -> str:
    """The portal page of one object; "" when the id does not fit its URL (a page that cannot exist)."""
    try:
        return reverse(url_name, args=args)
    except NoReverseMatch:
        return ""


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
