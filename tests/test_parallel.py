"""Reads about many items run side by side (apps/core/parallel.py), inside the page's one deadline."""

from __future__ import annotations

import threading
import time
from contextvars import ContextVar

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from apps.core.parallel import attempt_all
from apps.posthog.deadline import current_deadline, deadline
from apps.posthog.errors import DeadlineExceeded, NotFound

_marker: ContextVar[str] = ContextVar("marker", default="")


def _slow(value: int, seconds: float = 0.3):
    def read() -> int:
        time.sleep(seconds)
        return value

    return read


def test_results_come_in_the_order_given_in_the_time_of_the_slowest() -> None:
    reads = [_slow(n, seconds=0.05 * (6 - n)) for n in range(6)]
    started = time.monotonic()
    outcomes = attempt_all(reads, workers=6)
    assert [outcome.value for outcome in outcomes] == list(range(6))
    assert time.monotonic() - started < 0.5  # one after another it would take 1.05 s


def test_at_most_the_set_number_of_reads_run_at_once(settings) -> None:
    settings.POSTHOG_PARALLEL_READS = 2
    running, most = 0, 0
    lock = threading.Lock()

    def read() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1

    attempt_all([read] * 6)
    assert most == 2


def test_one_failed_read_does_not_fail_the_others() -> None:
    def missing() -> int:
        raise NotFound("Not found.")

    outcomes = attempt_all([_slow(1, 0.01), missing, _slow(3, 0.01)], workers=3)
    assert [outcome.value for outcome in outcomes] == [1, None, 3]
    assert isinstance(outcomes[1].error, NotFound)


def test_a_bug_in_a_read_is_raised_as_it_would_be_one_after_another() -> None:
    def broken() -> int:
        raise KeyError("id")

    with pytest.raises(KeyError):
        attempt_all([_slow(1, 0.01), broken], workers=2)


def test_each_read_runs_in_the_callers_context_with_its_deadline() -> None:
    _marker.set("page")
    seen: list[tuple[str, float | None, str]] = []

    def read() -> None:
        limit = current_deadline()
        seen.append((_marker.get(), limit.budget if limit else None, threading.current_thread().name))

    with deadline(7.0):
        attempt_all([read] * 3, workers=3)
    assert {(marker, budget) for marker, budget, _ in seen} == {("page", 7.0)}
    assert all(name.startswith("posthog-read") for _, _, name in seen)


def test_reads_left_when_the_budget_is_spent_say_so_each_in_its_place() -> None:
    def read() -> int:
        if (limit := current_deadline()) is not None and limit.expired:
            raise DeadlineExceeded(budget=limit.budget)
        return 1

    with deadline(0.01):
        time.sleep(0.02)
        outcomes = attempt_all([read] * 4, workers=4)
    assert all(isinstance(outcome.error, DeadlineExceeded) for outcome in outcomes)
    assert outcomes[0].error is not None
    assert outcomes[0].error.user_message == "PostHog did not answer in 0.01 s; try again in a moment."


@pytest.mark.django_db
def test_inside_a_transaction_the_reads_run_one_after_another_in_the_callers_thread() -> None:
    names: list[str] = []

    def read() -> int:
        names.append(threading.current_thread().name)
        return Group.objects.count()  # sees what the caller's transaction holds

    outcomes = attempt_all([read] * 3, workers=3)
    assert all(outcome.value == outcomes[0].value for outcome in outcomes)
    assert set(names) == {threading.current_thread().name}


@pytest.mark.django_db(transaction=True)
def test_worker_threads_give_their_database_connections_back() -> None:
    def open_connections() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
            return cursor.fetchone()[0]

    if connection.vendor != "postgresql":
        pytest.skip("counts connections in PostgreSQL's pg_stat_activity")
    before = open_connections()
    outcomes = attempt_all([lambda: Group.objects.count()] * 6, workers=6)
    assert all(outcome.ok for outcome in outcomes)
    time.sleep(0.2)  # the server notices the closed connections
    assert open_connections() == before
