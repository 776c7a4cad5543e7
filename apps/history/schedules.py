"""The pollers' default schedules, as django-celery-beat periodic tasks an Admin can edit in the admin site.

Beat (or, in the embedded default, apps.history.embedded) runs them. The migration 0003_default_schedules
and 0007 create them once; `schedules_ensure` only ever adds what is missing, so an edited interval, a disabled task
or a task renamed by an Admin stays as the Admin left it.
"""

from dataclasses import dataclass

from django_celery_beat.models import DAYS, MINUTES, SECONDS, IntervalSchedule

from apps.history import kinds


@dataclass(frozen=True)
class DefaultSchedule:
    name: str
    task: str
    every: int
    period: str
    description: str


# What each schedule says of itself in the admin site.
_DESCRIPTIONS = {
    kinds.LOGS: "Reads new plugin log entries of every connection, so logs outlive PostHog's week.",
    kinds.DELIVERY: "Stores every plugin config's 24-hour delivery rate and enabled state, for the charts.",
    kinds.ACTIVITY: "Keeps PostHog's activity entries of plugins, plugin configs and groups.",
    kinds.HOG_LOGS: "Reads new log entries of every hog function of the watched projects, kept beyond PostHog's.",
    kinds.HOG_METRICS: "Stores every hog function's runs by hour (succeeded, failed, filtered), for the charts.",
    kinds.EXPORT_RUNS: "Keeps every batch export run's status, counts and error as it progresses.",
    kinds.PRUNE: (
        "Deletes history older than HISTORY_RETENTION_DAYS and folds delivery-rate snapshots older than "
        "HISTORY_RAW_DELIVERY_DAYS into hourly means."
    ),
}

DEFAULT_SCHEDULES = tuple(
    DefaultSchedule(name=name, task=task.name, every=every, period=period, description=_DESCRIPTIONS[task])
    for task, name, every, period in (
        (kinds.LOGS, "Poll plugin logs", 30, SECONDS),
        (kinds.DELIVERY, "Take delivery-rate snapshots", 5, MINUTES),
        (kinds.ACTIVITY, "Poll activity", 10, MINUTES),
        (kinds.HOG_LOGS, "Poll hog function logs", 30, SECONDS),
        (kinds.HOG_METRICS, "Count hog function runs", 10, MINUTES),
        (kinds.EXPORT_RUNS, "Poll batch export runs", 5, MINUTES),
        (kinds.PRUNE, "Prune history", 1, DAYS),
    )
)


def schedules_ensure(*, periodic_task_model, interval_model) -> list[str]:
    """Create the default schedules no periodic task covers yet; the names of those created.

    Takes the model classes so the migration can pass its historical models. A schedule counts as present when
    a task has its name or runs its task, whatever its interval or state.
    """
    created = []
    for schedule in DEFAULT_SCHEDULES:
        tasks = periodic_task_model.objects
        if tasks.filter(name=schedule.name).exists() or tasks.filter(task=schedule.task).exists():
            continue
        interval = interval_for(interval_model=interval_model, every=schedule.every, period=schedule.period)
        tasks.create(name=schedule.name, task=schedule.task, interval=interval, description=schedule.description)
        created.append(schedule.name)
    return created


def interval_for(*, interval_model: type[IntervalSchedule], every: int, period: str) -> IntervalSchedule:
    """The interval schedule `every` `period`s. Intervals are not unique in django-celery-beat: the first equal one
    is reused, else one is created. Takes the model class as `schedules_ensure` does."""
    same = interval_model.objects.filter(every=every, period=period).order_by("pk").first()
    return same or interval_model.objects.create(every=every, period=period)
