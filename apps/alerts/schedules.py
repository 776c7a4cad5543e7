"""The alerts' default schedules, as django-celery-beat periodic tasks an Admin can edit in the admin site, as the
pollers' are (apps/history/schedules.py).

Evaluating every 30 s and sending every 10 s keeps the time from a failure stored to its notification handed to a
channel under a minute (bench/run alerts measures it). Migration 0002_default_schedules creates them once;
`schedules_ensure` only ever adds what is missing, so an edited interval or a disabled task stays as the Admin left it.
"""

from django_celery_beat.models import SECONDS

from apps.history.schedules import DefaultSchedule, interval_for

EVALUATE_TASK = "apps.alerts.tasks.evaluate_rules"
SEND_TASK = "apps.alerts.tasks.send_due_deliveries"

DEFAULT_SCHEDULES = (
    DefaultSchedule(
        name="Evaluate alert rules",
        task=EVALUATE_TASK,
        every=30,
        period=SECONDS,
        description="Checks every alert rule against the history the pollers stored, and opens or ends alerts.",
    ),
    DefaultSchedule(
        name="Send due alert deliveries",
        task=SEND_TASK,
        every=10,
        period=SECONDS,
        description="Hands alert notifications to their channels, retrying failed ones with backoff.",
    ),
)


def schedules_ensure(*, periodic_task_model, interval_model) -> list[str]:
    """Create the default schedules no periodic task covers yet (by name or task); the names of those created. Takes
    the model classes so the migration can pass its historical models."""
    created = []
    for schedule in DEFAULT_SCHEDULES:
        tasks = periodic_task_model.objects
        if tasks.filter(name=schedule.name).exists() or tasks.filter(task=schedule.task).exists():
            continue
        interval = interval_for(interval_model=interval_model, every=schedule.every, period=schedule.period)
        tasks.create(name=schedule.name, task=schedule.task, interval=interval, description=schedule.description)
        created.append(schedule.name)
    return created
