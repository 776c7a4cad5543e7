"""The history pollers' Celery tasks: thin wrappers that make a poll safe to run anywhere, any number of times.

A poll of a connection covers every project it watches (apps/history/targets.py), in turn and within the
connection's one request budget. It holds that connection's lock for its kind, so two never overlap: a second
worker, or a schedule firing while the last poll still runs, records a skipped run instead. Every poll is recorded
as a PollRun, and retried with exponential backoff and jitter while PostHog is unwell or throttling. Stored rows
are unique per connection, so a retried or repeated poll stores nothing twice.

The schedules (apps/history/schedules.py) call the tasks without arguments. In the embedded default tasks run
eagerly, where Celery retries at once rather than after the countdown.
"""

import math
import random
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Literal, TypedDict

from celery import Task, shared_task
from django.conf import settings

from apps.connections.models import Connection
from apps.core.locks import cache_lock, connection_lock
from apps.history import kinds
from apps.history.activity import activity_snapshot_poll
from apps.history.budget import throttled_for
from apps.history.delivery import delivery_snapshot_take
from apps.history.export_runs import export_runs_poll
from apps.history.hog_logs import hog_log_poll_connection
from apps.history.hog_metrics import hog_metrics_take
from apps.history.log_poller import log_poll_connection
from apps.history.models import PollRun
from apps.history.polling import THROTTLE_DEFAULT_SECONDS
from apps.history.prune import history_prune
from apps.history.results import PollResult
from apps.history.runs import PollSkipped, poll_run, poll_runs_interrupted_close
from apps.posthog.deadline import deadline
from apps.posthog.errors import DeadlineExceeded, PostHogError, ServerError, Throttled, Unreachable, UpstreamTimeout

RETRIED = (Throttled, ServerError, UpstreamTimeout, Unreachable)
MAX_RETRIES = 5
RETRY_BASE_SECONDS = 4  # 4, 8, 16, 32, 64 s, plus jitter: two minutes and more before giving up


class _TaskOptions(TypedDict):
    bind: Literal[True]
    max_retries: int
    soft_time_limit: int
    time_limit: int


POLL_OPTIONS = _TaskOptions(bind=True, max_retries=MAX_RETRIES, soft_time_limit=170, time_limit=200)
# Pruning millions of rows takes long; it deletes in chunks, so a run cut short loses nothing.
PRUNE_OPTIONS = _TaskOptions(bind=True, max_retries=MAX_RETRIES, soft_time_limit=1800, time_limit=1900)
# Locks outlive the task's hard time limit: only a killed worker's lock is ever left to expire.
LOCK_MARGIN_SECONDS = 60


@shared_task(name=kinds.LOGS.name)
def poll_logs() -> None:
    """Poll every connection's plugin logs, each in a task of its own."""
    _fan_out(poll_logs_for_connection)


@shared_task(**POLL_OPTIONS)
def poll_logs_for_connection(self: Task, connection_id: int) -> None:
    _connection_poll(self, kind=PollRun.Kind.LOGS, connection_id=connection_id, poll=log_poll_connection)


@shared_task(name=kinds.DELIVERY.name, **POLL_OPTIONS)
def take_delivery_snapshots(self: Task, connection_id: int | None = None) -> None:
    _every_or_one_poll(self, kind=PollRun.Kind.DELIVERY, connection_id=connection_id, poll=delivery_snapshot_take)


@shared_task(name=kinds.ACTIVITY.name, **POLL_OPTIONS)
def poll_activity(self: Task, connection_id: int | None = None) -> None:
    _every_or_one_poll(self, kind=PollRun.Kind.ACTIVITY, connection_id=connection_id, poll=activity_snapshot_poll)


@shared_task(name=kinds.HOG_LOGS.name, **POLL_OPTIONS)
def poll_hog_function_logs(self: Task, connection_id: int | None = None) -> None:
    _every_or_one_poll(self, kind=PollRun.Kind.HOG_LOGS, connection_id=connection_id, poll=hog_log_poll_connection)


@shared_task(name=kinds.HOG_METRICS.name, **POLL_OPTIONS)
def take_hog_function_metrics(self: Task, connection_id: int | None = None) -> None:
    _every_or_one_poll(self, kind=PollRun.Kind.HOG_METRICS, connection_id=connection_id, poll=hog_metrics_take)


@shared_task(name=kinds.EXPORT_RUNS.name, **POLL_OPTIONS)
def poll_batch_export_runs(self: Task, connection_id: int | None = None) -> None:
    _every_or_one_poll(self, kind=PollRun.Kind.EXPORT_RUNS, connection_id=connection_id, poll=export_runs_poll)


@shared_task(name=kinds.PRUNE.name, **PRUNE_OPTIONS)
def prune_history(self: Task) -> None:
    lock = cache_lock(name=PollRun.Kind.PRUNE, ttl=_lock_ttl(self))
    _locked_poll(self, kind=PollRun.Kind.PRUNE, connection=None, lock=lock, poll=history_prune)


def retry_countdown(*, error: PostHogError, retries: int) -> float:
    """Seconds before the next try: PostHog's wait when it throttles, else doubling with each retry. Jitter keeps
    the retries of many connections from arriving together."""
    if isinstance(error, Throttled):
        wait = error.retry_after or THROTTLE_DEFAULT_SECONDS
    else:
        wait = RETRY_BASE_SECONDS * 2**retries
    return wait + random.uniform(0, wait / 4)


def _every_or_one_poll(task: Task, *, kind: str, connection_id: int | None, poll: Callable[..., PollResult]) -> None:
    """Without a connection (as the schedules call it): one task per connection; with one, that connection's poll."""
    if connection_id is None:
        _fan_out(task)
    else:
        _connection_poll(task, kind=kind, connection_id=connection_id, poll=poll)


def _fan_out(task: Task) -> None:
    for connection_id in Connection.objects.order_by("pk").values_list("pk", flat=True):
        task.delay(connection_id)


def _connection_poll(task: Task, *, kind: str, connection_id: int, poll: Callable[..., PollResult]) -> None:
    connection = Connection.objects.filter(pk=connection_id).first()
    if connection is None:
        return  # deleted since the task was queued
    lock = connection_lock(kind=kind, connection_id=connection.pk, ttl=_lock_ttl(task))
    _locked_poll(task, kind=kind, connection=connection, lock=lock, poll=lambda: poll(connection=connection))


def _locked_poll(
    task: Task,
    *,
    kind: str,
    connection: Connection | None,
    lock: AbstractContextManager[bool],
    poll: Callable[[], PollResult],
) -> None:
    with lock as acquired:
        if acquired:
            poll_runs_interrupted_close(kind=kind, connection=connection)
        try:
            with poll_run(kind=kind, connection=connection) as result:
                if not acquired:
                    raise PollSkipped("The previous poll is still running.")
                if connection is not None and (wait := throttled_for(connection_id=connection.pk)):
                    raise PollSkipped(f"PostHog is rate-limiting the API key; polls resume in {math.ceil(wait)} s.")
                # Its own time budget for PostHog (apps.posthog.deadline): the poll's requests end before Celery's
                # soft time limit could cut the poll off between any two lines.
                with deadline(settings.HISTORY_POLL_DEADLINE_SECONDS):
                    result.add(poll())
        except DeadlineExceeded:
            # Out of time, not a PostHog outage: a retry would run as long again; the next scheduled poll carries on.
            raise
        except RETRIED as error:
            raise task.retry(exc=error, countdown=retry_countdown(error=error, retries=task.request.retries)) from error


def _lock_ttl(task: Task) -> int:
    return int(task.time_limit or 0) + LOCK_MARGIN_SECONDS
