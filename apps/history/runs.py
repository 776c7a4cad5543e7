"""PollRun rows: every run of a polling task says what it stored, what it cost and what went wrong."""

import time
from collections.abc import Iterator
from contextlib import contextmanager

from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from apps.connections.models import Connection
from apps.history.models import PollRun
from apps.history.polling import BUDGET_SPENT
from apps.history.results import PollResult
from apps.posthog.errors import PostHogError

INTERRUPTED = "The worker stopped before this poll finished; the next poll went on from what was stored."
OUT_OF_TIME = "The poll ran past its time limit; the next poll goes on from what was stored."


class PollSkipped(Exception):
    """Raised inside `poll_run` when there is nothing the run may do; the message says why."""


@contextmanager
def poll_run(*, kind: str, connection: Connection | None = None) -> Iterator[PollResult]:
    """Record a run around the block, which fills in the PollResult yielded.

    Status: ok; partial when the result has errors; skipped on PollSkipped, or when the budget refused the
    first request; failed on any other exception, which is re-raised after the run is recorded.
    """
    run = PollRun.objects.create(kind=kind, connection=connection, started_at=timezone.now())
    started = time.monotonic()
    result = PollResult()
    try:
        yield result
    except PollSkipped as skipped:
        _finish(run, result, started, status=PollRun.Status.SKIPPED, error=str(skipped))
    except Exception as error:
        _finish(run, result, started, status=PollRun.Status.FAILED, error=_error_text(error))
        raise
    else:
        _finish(run, result, started, status=_status(result), error="\n".join(result.errors + result.notes))


def poll_runs_interrupted_close(*, kind: str, connection: Connection | None) -> int:
    """Close the runs a killed worker left "running". Call it holding the poll's lock: then no other run of
    this kind and connection can still be going."""
    return PollRun.objects.filter(kind=kind, connection=connection, status=PollRun.Status.RUNNING).update(
        status=PollRun.Status.FAILED, finished_at=timezone.now(), error=INTERRUPTED
    )


def _status(result: PollResult) -> str:
    if not result.errors:
        return PollRun.Status.OK
    if result.requests_made == 0 and set(result.errors) == {BUDGET_SPENT}:
        return PollRun.Status.SKIPPED
    return PollRun.Status.PARTIAL


def _error_text(error: Exception) -> str:
    if isinstance(error, PostHogError):
        return error.user_message
    if isinstance(error, SoftTimeLimitExceeded):
        return OUT_OF_TIME
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _finish(run: PollRun, result: PollResult, started: float, *, status: str, error: str) -> None:
    run.finished_at = timezone.now()
    run.duration_ms = int((time.monotonic() - started) * 1000)
    run.status = status
    run.items_stored = result.items_stored
    run.requests_made = result.requests_made
    run.error = error
    run.save(update_fields=["finished_at", "duration_ms", "status", "items_stored", "requests_made", "error"])
