"""The alerts' state machine: from what a rule's condition finds now to the episodes (Alert) it opens, reminds of and
ends, and the deliveries each event owes the rule's channels.

For each subject of a rule:
- the condition starts to hold: an Alert opens and "fire" is owed (a finding that may not open one, an old failure
  a poller caught up on, opens nothing);
- it still holds: "repeat" is owed once `repeat_minutes` passed since the last notification, unless the alert is
  acknowledged (silenced until it ends) or the rule is an event kind (a change, a rolled key: said once);
- it no longer holds: the Alert resolves and "resolve" is owed if anything was said of it (acknowledged or not), but
  not for event kinds, whose episodes end when their window does and have nothing to recover from.
A snoozed rule is evaluated as ever (its alerts open and resolve), but owes nothing until the snooze ends; an alert
that opened during the snooze then fires. A muted rule is not evaluated at all: its state waits as it was.

Each event owed becomes one Delivery per channel, created in the same transaction as the Alert's change, keyed
"<alert>:<event>:<number>:<channel>": a second evaluation of the same moment (another worker, a retried task) can
only hit the key and skip. The deliveries are sent by apps/alerts/delivery.py, started on commit through the Celery
task (and by its own schedule every 10 s, should that start be lost). Two workers never evaluate one rule at once:
each rule is evaluated under its lock, and a rule another worker holds is skipped until the next run.
"""

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from apps.alerts.conditions import Finding, conditions_evaluate
from apps.alerts.messages import alert_payload
from apps.alerts.models import Alert, AlertRule, Channel, Delivery
from apps.core.locks import cache_lock

logger = logging.getLogger("portal.alerts")

# The evaluation task's hard time limit (apps/alerts/tasks.py) and a margin: a rule's lock outlives any worker
# killed while holding it by at most this (apps/core/locks.py).
EVALUATION_TIME_LIMIT = 270
LOCK_SECONDS = EVALUATION_TIME_LIMIT + 60
# Said once: each entry is an event, not a state that goes on.
EVENT_KINDS = frozenset({AlertRule.Kind.CHANGED_OUTSIDE, AlertRule.Kind.KEY_ROLLED})
FIRE, REPEAT, RESOLVE = Delivery.Event.FIRE, Delivery.Event.REPEAT, Delivery.Event.RESOLVE
# What evaluation writes of an alert: never the acknowledgement, which a person may set meanwhile.
EVALUATED_FIELDS = ["subject_name", "link", "values", "message", "notifications", "last_notified_at", "resolved_at"]


@dataclass(frozen=True)
class EvaluationResult:
    rule_id: int
    evaluated: bool
    skipped: str = ""  # why not evaluated: muted, another worker holds it, or the error
    opened: int = 0
    fired: int = 0
    repeated: int = 0
    resolved: int = 0
    still_open: int = 0
    deliveries: int = 0  # Delivery rows created


def rules_evaluate(*, now: datetime) -> list[EvaluationResult]:
    """Evaluate every rule that is not muted, each under its lock; one rule's failure leaves the others evaluated.
    The rules with nothing to change write nothing but their `last_evaluated_at`, all in one query at the end."""
    results = []
    quiet = []
    for rule in AlertRule.objects.filter(muted=False).select_related("connection").order_by("pk"):
        try:
            result = rule_evaluate(rule=rule, now=now, stamp=False)
        except Exception as error:
            logger.exception("alerts: evaluating rule %s failed", rule.pk)
            result = EvaluationResult(rule_id=rule.pk, evaluated=False, skipped=f"failed: {error}")
        results.append(result)
        if result.evaluated:
            quiet.append(rule.pk)
    AlertRule.objects.filter(pk__in=quiet).update(last_evaluated_at=now)
    return results


def rule_evaluate(*, rule: AlertRule, now: datetime, stamp: bool = True) -> EvaluationResult:
    """Evaluate `rule` at `now`: its alerts opened, reminded of and resolved, and the deliveries they owe. `stamp`
    False leaves `last_evaluated_at` to the caller (rules_evaluate sets it for every rule at once)."""
    if rule.muted:
        return EvaluationResult(rule_id=rule.pk, evaluated=False, skipped="muted")
    with cache_lock(name=f"alert-rule-{rule.pk}", ttl=LOCK_SECONDS) as acquired:
        if not acquired:
            return EvaluationResult(rule_id=rule.pk, evaluated=False, skipped="another worker is evaluating it")
        result = _evaluate(rule, now)
    if stamp:
        AlertRule.objects.filter(pk=rule.pk).update(last_evaluated_at=now)
    return result


def _evaluate(rule: AlertRule, now: datetime) -> EvaluationResult:
    found: dict[str, Finding] = {}
    for finding in conditions_evaluate(rule=rule, now=now):
        found.setdefault(finding.subject, finding)
    # Most rules find nothing and have nothing open: no transaction to commit (each is a disk flush on SQLite).
    if not found and not rule.alerts.filter(resolved_at__isnull=True).exists():
        return EvaluationResult(rule_id=rule.pk, evaluated=True)
    snoozed = rule.snoozed_until is not None and rule.snoozed_until > now
    counts: Counter[str] = Counter()
    owed = _Owed(rule=rule, now=now)
    with transaction.atomic():
        open_alerts = {
            alert.subject: alert
            for alert in rule.alerts.filter(resolved_at__isnull=True).select_for_update().select_related("rule")
        }
        for subject, finding in found.items():
            alert = open_alerts.get(subject)
            if alert is None:
                if not finding.opens or (alert := _open(rule, finding)) is None:
                    continue
                counts["opened"] += 1
            before = _evaluated_state(alert)
            _refresh(alert, finding)
            event = None if snoozed else _event_due(rule, alert, now)
            if event is not None:
                counts["fired" if event == FIRE else "repeated"] += 1
                owed.notify(alert, event)
            if _evaluated_state(alert) != before:  # an alert going on unchanged costs no write
                alert.save(update_fields=EVALUATED_FIELDS)
        for subject, alert in open_alerts.items():
            if subject in found:
                continue
            alert.resolved_at = now
            counts["resolved"] += 1
            if alert.notifications and not snoozed and rule.kind not in EVENT_KINDS:
                owed.notify(alert, RESOLVE)
            alert.save(update_fields=EVALUATED_FIELDS)
        if owed.created:
            transaction.on_commit(_send_soon)
    return EvaluationResult(
        rule_id=rule.pk,
        evaluated=True,
        opened=counts["opened"],
        fired=counts["fired"],
        repeated=counts["repeated"],
        resolved=counts["resolved"],
        still_open=counts["opened"] + len(open_alerts) - counts["resolved"],
        deliveries=owed.created,
    )


def _event_due(rule: AlertRule, alert: Alert, now: datetime) -> str | None:
    """What an open alert owes its channels now (the rule not snoozed), if anything."""
    if alert.acknowledged_at is not None:
        return None  # silenced until it resolves
    if not alert.notifications:
        return FIRE  # new, or opened while the rule was snoozed
    if rule.kind in EVENT_KINDS:
        return None
    last = alert.last_notified_at
    return REPEAT if last is None or now - last >= timedelta(minutes=rule.repeat_minutes) else None


def _open(rule: AlertRule, finding: Finding) -> Alert | None:
    """A new episode; None if one is open already (a worker that did not hold the lock, or a lock that expired)."""
    try:
        with transaction.atomic():
            return Alert.objects.create(
                rule=rule,
                subject=finding.subject,
                subject_name=finding.subject_name[:300],
                link=finding.link[:500],
                started_at=finding.started_at,
                values=finding.values,
                message=finding.message,
            )
    except IntegrityError:
        return None


def _evaluated_state(alert: Alert) -> tuple:
    return tuple(getattr(alert, name) for name in EVALUATED_FIELDS)


def _refresh(alert: Alert, finding: Finding) -> None:
    """The numbers of this evaluation; the last error stays until a newer one is found."""
    alert.subject_name = finding.subject_name[:300]
    alert.link = finding.link[:500]
    alert.values = finding.values
    if finding.message:
        alert.message = finding.message


class _Owed:
    """The deliveries one evaluation of a rule owes: one per channel and event, each at most once."""

    def __init__(self, *, rule: AlertRule, now: datetime) -> None:
        self.rule = rule
        self.now = now
        self.created = 0
        self._channels: list[Channel] | None = None

    def notify(self, alert: Alert, event: str) -> None:
        number = alert.notifications
        if event in (FIRE, REPEAT):
            alert.notifications = number + 1
            alert.last_notified_at = self.now
        payload = alert_payload(alert=alert, event=event)
        for channel in self.channels:
            try:
                with transaction.atomic():
                    Delivery.objects.create(
                        rule=self.rule,
                        alert=alert,
                        channel=channel,
                        event=event,
                        key=f"{alert.pk}:{event}:{number}:{channel.pk}",
                        payload=payload,
                        status=Delivery.Status.PENDING,
                        next_attempt_at=self.now,
                    )
            except IntegrityError:
                continue  # made already: an event reaches a channel once
            self.created += 1

    @property
    def channels(self) -> list[Channel]:
        if self._channels is None:
            self._channels = list(self.rule.channels.order_by("pk"))
        return self._channels


def _send_soon() -> None:
    """Start sending at once rather than at the next 10-second schedule; a broker that is away only delays it."""
    from apps.alerts.tasks import send_due_deliveries

    try:
        send_due_deliveries.delay()
    except Exception:
        logger.exception("alerts: could not queue the sending of deliveries; the schedule will send them")
