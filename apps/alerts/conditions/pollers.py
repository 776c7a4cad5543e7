"""The portal's own pollers failing, throttled or behind: the data every other rule reads is going stale.

One subject per poller kind of the rule's connection ("poller:<connection>:<kind>"). A poller whose schedule is
switched off is left alone (an Admin chose that); one that is scheduled holds the condition when no run of it
succeeded (or partly succeeded) for `minutes` — failing and throttled runs both end as "no success", and the newest
run says which. A schedule slower than `minutes` cannot be behind before its own interval has passed twice, so that
is the least wait.

Values (Alert.values): {"kind", "last_success_at" (None: never), "minutes", "reason"}.
"""

from datetime import datetime, timedelta

from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from apps.alerts.conditions import Finding, iso
from apps.alerts.models import AlertRule
from apps.history.budget import throttled_for
from apps.history.kinds import HISTORY_TASKS
from apps.history.models import PollRun

POLLED = (PollRun.Status.OK, PollRun.Status.PARTIAL)
KINDS = tuple(kind for kind in HISTORY_TASKS if kind != PollRun.Kind.PRUNE)  # pruning reads nothing of PostHog


def poller_stale(rule: AlertRule, now: datetime) -> list[Finding]:
    """Every scheduled poller of the connection without a successful run for `minutes`. One query for the schedules,
    then two per scheduled kind on the (kind, -started_at) index: at most 13, whatever the number of runs."""
    schedules = _scheduled_every()
    connection = rule.connection
    findings = []
    throttled = throttled_for(connection_id=connection.pk, now=now.timestamp())
    for kind in KINDS:
        if kind not in schedules:
            continue
        wait = max(timedelta(minutes=rule.minutes), 2 * schedules[kind])
        runs = PollRun.objects.filter(kind=kind, connection_id=connection.pk, started_at__lte=now).order_by(
            "-started_at", "-id"
        )
        last_ok = runs.filter(status__in=POLLED).values_list("started_at", flat=True).first()
        since = last_ok or connection.created_at
        if since + wait > now:
            continue
        newest = runs.exclude(status=PollRun.Status.RUNNING).first()
        reason = _reason(newest, throttled=throttled, last_ok=last_ok)
        findings.append(
            Finding(
                subject=f"poller:{connection.pk}:{kind}",
                subject_name=f"{PollRun.Kind(kind).label} of {connection.name}",
                link=reverse("history:status"),
                started_at=since + wait,
                values={
                    "kind": PollRun.Kind(kind).label,
                    "last_success_at": iso(last_ok),
                    "minutes": round(wait.total_seconds() / 60),
                    "reason": reason,
                },
                message=newest.error if newest is not None else "",
            )
        )
    return findings


def _scheduled_every() -> dict[str, timedelta]:
    """The interval of each poller kind with an enabled schedule (the shortest, if several); a crontab counts as
    scheduled, with no least wait."""
    names = {task.name: kind for kind, task in HISTORY_TASKS.items()}
    every: dict[str, timedelta] = {}
    for periodic_task in PeriodicTask.objects.filter(enabled=True, task__in=list(names)).select_related("interval"):
        interval = periodic_task.interval
        step = timedelta(**{interval.period: interval.every}) if interval else timedelta(0)
        kind = names[periodic_task.task]
        every[kind] = min(every.get(kind, step), step)
    return every


def _reason(newest: PollRun | None, *, throttled: float, last_ok: datetime | None) -> str:
    if throttled > 0:
        return "PostHog is rate-limiting the API key"
    if newest is not None and newest.status == PollRun.Status.FAILED:
        return "its runs fail"
    if newest is not None and newest.status == PollRun.Status.SKIPPED:
        return f"its runs are skipped: {newest.error}" if newest.error else "its runs are skipped"
    if last_ok is None:
        return "it never read this connection"
    return "it has not run"
