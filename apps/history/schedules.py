"""The pollers' default schedules, as django-celery-beat periodic tasks an Admin can edit in the admin site.

Beat (or, in the embedded default, apps.history.embedded) runs them. The migration 0003_default_schedules
creates them once; `schedules_ensure` only ever adds what is missing, so an edited interval, a disabled task
or a task renamed by an Admin stays as the Admin left it.
"""

from dataclasses import dataclass

from django_celery_beat.models import DAYS, MINUTES, SECONDS


@dataclass(frozen=True)
class DefaultSchedule:
    name: str
    task: str
    every: int
    period: str
    description: str


DEFAULT_SCHEDULES = (
    DefaultSchedule(
        name="Poll plugin logs",
        task="apps.history.tasks.poll_logs",
        every=30,
        period=SECONDS,
        description="Reads new plugin log entries of every connection, so logs outlive PostHog's week.",
    ),
    DefaultSchedule(
        name="Take delivery-rate snapshots",
        task="apps.history.tasks.take_delivery_snapshots",
        every=5,
        period=MINUTES,
        description="Stores every plugin config's 24-hour delivery rate and enabled state, for the charts.",
    ),
    DefaultSchedule(
        name="Poll activity",
        task="apps.history.tasks.poll_activity",
        every=10,
        period=MINUTES,
        description="Keeps PostHog's activity entries of plugins, plugin configs and groups.",
    ),
    DefaultSchedule(
        name="Prune history",
        task="apps.history.tasks.prune_history",
        every=1,
        period=DAYS,
        description=(
            "Deletes history older than HISTORY_RETENTION_DAYS and folds delivery-rate snapshots older than "
            "HISTORY_RAW_DELIVERY_DAYS into hourly means."
        ),
    ),
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
        # Intervals are not unique in django-celery-beat: reuse the first equal one.
        interval = interval_model.objects.filter(every=schedule.every, period=schedule.period).order_by(
            "pk"
        ).first() or interval_model.objects.create(every=schedule.every, period=schedule.period)
        tasks.create(name=schedule.name, task=schedule.task, interval=interval, description=schedule.description)
        created.append(schedule.name)
    return created
