"""Beat for the embedded default: run the due periodic tasks in a thread of the portal's own process.

Without Redis there is no broker, no worker and no beat; tasks run in-process (CELERY_TASK_ALWAYS_EAGER). This
thread reads the same django-celery-beat schedules beat would and runs what is due, one task after another, so
`bin/portal` keeps history without any other process. Only interval schedules are run; crontab, solar and
clocked ones need the real beat (`celery -A portal beat`).
"""

import json
import logging
import threading
from datetime import datetime, timedelta

from celery import current_app
from django.db import close_old_connections
from django.db.models import F
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

logger = logging.getLogger("portal.history.embedded")

CHECK_EVERY_SECONDS = 5.0


class EmbeddedScheduler:
    def __init__(self, *, check_every: float = CHECK_EVERY_SECONDS) -> None:
        self.check_every = check_every
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "EmbeddedScheduler":
        # What a worker does at start: import every app's tasks module, so each task is registered by name.
        current_app.loader.import_default_modules()
        self._thread = threading.Thread(target=self._loop, name="embedded-scheduler", daemon=True)
        self._thread.start()
        return self

    def stop(self, *, timeout: float = 30.0) -> None:
        """Finish the task running now (if any), then end the thread."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                self.run_due()
            except Exception:
                # The schedules could not be read (the database away, say): try again next round.
                logger.exception("embedded scheduler: reading the schedules failed")
            finally:
                # This thread outlives any request: give back connections that are too old or broken.
                close_old_connections()
            self._stopping.wait(self.check_every)

    def run_due(self, *, now: datetime | None = None) -> list[str]:
        """Run every enabled interval task that is due at `now`; the names of those run."""
        now = now or timezone.now()
        ran = []
        for periodic_task in PeriodicTask.objects.filter(enabled=True, interval__isnull=False).select_related(
            "interval"
        ):
            if self._stopping.is_set():
                break
            if _due(periodic_task, now) and _claim(periodic_task, now):
                _run(periodic_task)
                ran.append(periodic_task.name)
        return ran


def _due(periodic_task: PeriodicTask, now: datetime) -> bool:
    if periodic_task.start_time and periodic_task.start_time > now:
        return False
    if periodic_task.last_run_at is None:
        return True
    interval = periodic_task.interval
    return periodic_task.last_run_at + timedelta(**{interval.period: interval.every}) <= now


def _claim(periodic_task: PeriodicTask, now: datetime) -> bool:
    """Mark the run before it starts, as beat does: a task failing or outlasting its interval is not repeated at
    once. The update only wins if nobody ran the task since it was read (a second portal process, say)."""
    changes = {"last_run_at": now, "total_run_count": F("total_run_count") + 1}
    if periodic_task.one_off:
        changes["enabled"] = False
    return bool(
        PeriodicTask.objects.filter(pk=periodic_task.pk, last_run_at=periodic_task.last_run_at).update(**changes)
    )


def _run(periodic_task: PeriodicTask) -> None:
    """Run one task in this thread; a failure is logged, never raised, so the other tasks still run."""
    task = current_app.tasks.get(periodic_task.task)
    if task is None:
        logger.error(
            "embedded scheduler: %s runs %s, which is no registered task", periodic_task.name, periodic_task.task
        )
        return
    try:
        outcome = task.apply(
            args=json.loads(periodic_task.args or "[]"), kwargs=json.loads(periodic_task.kwargs or "{}")
        )
    except Exception:
        logger.exception("embedded scheduler: %s (%s) could not run", periodic_task.name, periodic_task.task)
        return
    if outcome.failed():
        logger.error(
            "embedded scheduler: %s (%s) failed: %s\n%s",
            periodic_task.name,
            periodic_task.task,
            outcome.result,
            outcome.traceback,
        )
