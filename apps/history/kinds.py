"""The polling tasks, one row each: the Celery name the task is registered under (apps/history/tasks.py), what
"poll now" says while it runs, and the shortest schedule worth having.

The names are written here only: the tasks register under them, the default schedules (apps/history/schedules.py,
which migrations 0003 and 0007 run) point at them, and the status page finds the schedules and runs by them.
"""

from dataclasses import dataclass
from datetime import timedelta

from apps.history.models import PollRun


@dataclass(frozen=True)
class HistoryTask:
    """One of the polling tasks: what the schedule runs and what "poll now" says while it runs."""

    kind: str  # PollRun.Kind
    name: str  # the Celery task's name
    doing: str
    min_interval: timedelta  # a shorter schedule would only spend the rate limit


LOGS = HistoryTask(PollRun.Kind.LOGS, "apps.history.tasks.poll_logs", "Polling plugin logs…", timedelta(seconds=10))
DELIVERY = HistoryTask(
    PollRun.Kind.DELIVERY,
    "apps.history.tasks.take_delivery_snapshots",
    "Taking delivery-rate snapshots…",
    timedelta(minutes=1),
)
ACTIVITY = HistoryTask(
    PollRun.Kind.ACTIVITY, "apps.history.tasks.poll_activity", "Polling activity…", timedelta(seconds=30)
)
HOG_LOGS = HistoryTask(
    PollRun.Kind.HOG_LOGS,
    "apps.history.tasks.poll_hog_function_logs",
    "Polling hog function logs…",
    timedelta(seconds=10),
)
HOG_METRICS = HistoryTask(
    PollRun.Kind.HOG_METRICS,
    "apps.history.tasks.take_hog_function_metrics",
    "Counting hog function runs…",
    timedelta(minutes=1),
)
EXPORT_RUNS = HistoryTask(
    PollRun.Kind.EXPORT_RUNS,
    "apps.history.tasks.poll_batch_export_runs",
    "Polling batch export runs…",
    timedelta(minutes=1),
)
PRUNE = HistoryTask(PollRun.Kind.PRUNE, "apps.history.tasks.prune_history", "Pruning history…", timedelta(minutes=10))

HISTORY_TASKS = {task.kind: task for task in (LOGS, DELIVERY, ACTIVITY, HOG_LOGS, HOG_METRICS, EXPORT_RUNS, PRUNE)}
