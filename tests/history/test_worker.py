"""The log poller in real Celery workers (PostgreSQL and Redis): overlaps, crashes and PostHog's failures.

The simulator runs in this process; the workers are subprocesses reaching it over HTTP and sharing the test
database and Redis (broker, locks, budget) with this process.
"""

import time
from datetime import datetime

import pytest
import requests
from django.core.cache import cache
from django.utils import timezone

from apps.history import budget
from apps.history.models import PollRun
from apps.history.runs import INTERRUPTED
from apps.history.tasks import RETRY_BASE_SECONDS, poll_logs_for_connection

pytestmark = pytest.mark.django_db(transaction=True)


def faults(simulator, **settings) -> None:
    requests.post(f"{simulator.url}/_simulator/faults", json=settings, timeout=5).raise_for_status()


def faults_clear(simulator) -> None:
    requests.delete(f"{simulator.url}/_simulator/faults", timeout=5).raise_for_status()


def poll(workers, connection) -> None:
    poll_logs_for_connection.apply_async(args=[connection.pk], queue=workers.queue)


def runs(**filters) -> list[PollRun]:
    return list(PollRun.objects.filter(kind=PollRun.Kind.LOGS, **filters).order_by("started_at", "id"))


def wait_for(condition, what: str, workers, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        if time.monotonic() > deadline:
            pytest.fail(
                f"waited {timeout:g} s for {what}; runs: {[(r.status, r.error) for r in runs()]}\n{workers.log()}"
            )
        time.sleep(0.1)
    return found


def finished(count: int):
    return lambda: (done := runs(finished_at__isnull=False)) and len(done) >= count and done


def same_logs(stored: dict[int, list[str]], held: dict[int, dict]) -> bool:
    return {k: sorted(v) for k, v in stored.items()} == {k: sorted(v) for k, v in held.items() if v}


def test_two_polls_at_once_run_once_and_store_everything_once(
    workers, demo_connection, first_project_only, simulator, simulator_logs, stored_logs
):
    faults(simulator, latency_ms=150)  # a poll of 19 requests takes about 3 s: the two overlap
    workers.start()

    poll(workers, demo_connection)
    poll(workers, demo_connection)

    done = wait_for(finished(2), "both polls", workers)
    assert sorted(run.status for run in done) == [PollRun.Status.OK, PollRun.Status.SKIPPED]
    assert same_logs(stored_logs(demo_connection), simulator_logs())

    faults_clear(simulator)
    poll(workers, demo_connection)
    again = wait_for(finished(3), "the third poll", workers)[-1]
    assert (again.status, again.items_stored) == (PollRun.Status.OK, 0)
    assert same_logs(stored_logs(demo_connection), simulator_logs())


def test_a_worker_killed_mid_poll_loses_and_duplicates_nothing(
    workers, demo_connection, first_project_only, simulator, simulator_logs, stored_logs
):
    faults(simulator, latency_ms=300)
    worker = workers.start()
    poll(workers, demo_connection)
    wait_for(
        lambda: runs(status=PollRun.Status.RUNNING) and stored_logs(demo_connection),
        "a poll that has stored some configs",
        workers,
    )

    workers.kill(worker)
    faults_clear(simulator)
    [interrupted] = runs()
    assert interrupted.status == PollRun.Status.RUNNING
    assert 0 < len(stored_logs(demo_connection)) < len(simulator_logs())

    workers.start()
    poll(workers, demo_connection)
    skipped = wait_for(finished(1), "a poll by the new worker", workers)[-1]
    # The dead worker's lock expires by itself after the task's time limit; the test does not wait for it.
    assert skipped.status == PollRun.Status.SKIPPED and "still running" in skipped.error
    cache.delete(f"lock:logs:{demo_connection.pk}")

    poll(workers, demo_connection)
    resumed = wait_for(finished(3), "the poll after the crash", workers)[-1]
    assert resumed.status == PollRun.Status.OK
    interrupted.refresh_from_db()
    assert (interrupted.status, interrupted.error) == (PollRun.Status.FAILED, INTERRUPTED)
    assert same_logs(stored_logs(demo_connection), simulator_logs())


def test_throttling_and_server_errors_are_retried_with_backoff_then_everything_is_caught_up(
    workers, demo_connection, first_project_only, simulator, sim, simulator_logs, stored_logs
):
    workers.start()

    # 429: the retry waits for the time PostHog names, and every worker holds back meanwhile.
    faults(simulator, rate_limit_per_minute=1)
    sim.call("GET", "/api/projects/1/plugin_configs/")  # someone else spent the minute
    poll(workers, demo_connection)
    throttled = wait_for(finished(1), "the throttled poll", workers)[0]
    assert throttled.status == PollRun.Status.FAILED and "rate-limiting" in throttled.error
    [retry] = wait_for(workers.scheduled, "the retry to be scheduled", workers)
    assert (datetime.fromisoformat(retry["eta"]) - timezone.now()).total_seconds() > 40
    poll(workers, demo_connection)
    held_back = wait_for(finished(2), "a poll while throttled", workers)[-1]
    assert held_back.status == PollRun.Status.SKIPPED and "rate-limiting" in held_back.error
    assert held_back.requests_made == 0

    # PostHog accepts requests again (the test does not wait the minute out); then it fails with 503s.
    faults(simulator, rate_limit_per_minute=0, error_rate=1.0, error_status=503)
    budget.throttle_note(connection_id=demo_connection.pk, seconds=0)
    time.sleep(1.1)
    poll(workers, demo_connection)
    first, second = wait_for(
        lambda: len(failed := runs(status=PollRun.Status.FAILED, error__contains="HTTP 503")) >= 2 and failed,
        "two polls failing with 503",
        workers,
    )
    assert (second.started_at - first.finished_at).total_seconds() >= RETRY_BASE_SECONDS
    faults_clear(simulator)
    recovered = wait_for(
        lambda: runs(status=PollRun.Status.OK), "the retry after PostHog recovered", workers, timeout=20
    )[0]
    assert (recovered.started_at - second.finished_at).total_seconds() >= 2 * RETRY_BASE_SECONDS
    assert same_logs(stored_logs(demo_connection), simulator_logs())
