"""The history pages' writes: a polling schedule changed (audited), and a poll queued now."""

from datetime import timedelta
from typing import Any

from celery import Task, current_app
from celery.result import EagerResult
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from kombu.exceptions import OperationalError as BrokerError

import apps.history.tasks  # noqa: F401  (registers the history tasks: a web process imports no tasks module itself)
from apps.audit.services import audit_record_local
from apps.history.kinds import HistoryTask
from apps.history.schedules import interval_for
from apps.history.selectors.status import Schedule


class PollNotQueued(Exception):
    """The task could not be queued, or failed when run at once (the embedded default); the message says so."""


def schedule_update(*, schedule: Schedule, every: int, unit: str, enabled: bool, actor: Any) -> PeriodicTask:
    """Point the beat schedule at an interval of `every` `unit`s (django-celery-beat notices the change), switched
    on or off, and audit the change."""
    task = schedule.periodic_task
    before = _schedule_state(task)
    task.interval = interval_for(interval_model=IntervalSchedule, every=every, period=unit)
    task.crontab = task.solar = task.clocked = None
    task.enabled = enabled
    task.save()
    after = _schedule_state(task)
    audit_record_local(
        actor=actor,
        area="history",
        object_id=str(task.pk),
        method="PATCH",
        description=f"Schedule “{task.name}”: {_schedule_words(before)} → {_schedule_words(after)}",
        before=before,
        after=after,
        object_name=task.name,
    )
    return task


def poll_queue(*, task: HistoryTask) -> None:
    """Queue the kind's task now (in the embedded default it runs before this returns); it records its own run.

    Raises PollNotQueued when the task is not installed, the broker does not answer, or the task ran at once and
    failed."""
    celery_task = celery_task_get(task.name)
    if celery_task is None:
        raise PollNotQueued(f"The task {task.name} is not installed in this portal yet, so nothing was polled.")
    try:
        result = celery_task.delay()
    except BrokerError as error:
        raise PollNotQueued("The task could not be queued: the broker (Redis) does not answer.") from error
    if isinstance(result, EagerResult) and result.failed():
        raise PollNotQueued(f"{task.doing} failed: see its run below.")


def celery_task_get(name: str) -> Task | None:
    """The task registered under `name` with the portal's Celery app, or None."""
    return current_app.tasks.get(name)


def _schedule_state(task: PeriodicTask) -> dict[str, Any]:
    interval = task.interval
    return {
        "schedule": str(interval or task.crontab or task.solar or task.clocked or "none"),
        "interval_seconds": int(timedelta(**{interval.period: interval.every}).total_seconds()) if interval else None,
        "enabled": task.enabled,
    }


def _schedule_words(state: dict[str, Any]) -> str:
    return f"{state['schedule']}{'' if state['enabled'] else ' (disabled)'}"
