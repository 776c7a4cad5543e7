"""The pollers' Celery tasks, run in-process (`apply`): runs recorded, overlaps refused, PostHog's failures retried."""

import pytest
import requests

from apps.connections.services import connection_create
from apps.core.locks import cache_lock, connection_lock
from apps.history import tasks
from apps.history.models import PluginLogEntry, PollRun
from apps.history.runs import INTERRUPTED
from apps.history.tasks import (
    poll_activity,
    poll_logs,
    poll_logs_for_connection,
    prune_history,
    take_delivery_snapshots,
)
from simulator.core.seed import DEMO_KEY

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def eager(monkeypatch):
    """Tasks queued by tasks (the fan-out) run in-process too, even where REDIS_URL makes a real broker."""
    from portal.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


@pytest.fixture
def countdowns(monkeypatch):
    """The countdown of every retry the tasks ask for (eager retries run at once)."""
    asked = []
    countdown = tasks.retry_countdown

    def spy(**kwargs):
        asked.append(countdown(**kwargs))
        return asked[-1]

    monkeypatch.setattr(tasks, "retry_countdown", spy)
    return asked


def runs(kind=PollRun.Kind.LOGS) -> list[PollRun]:
    return list(PollRun.objects.filter(kind=kind).order_by("started_at", "id"))


def faults(simulator, **settings) -> None:
    requests.post(f"{simulator.url}/_simulator/faults", json=settings, timeout=5).raise_for_status()


def test_a_poll_is_recorded_with_what_it_stored_and_cost(demo_connection, simulator):
    outcome = poll_logs_for_connection.apply(args=[demo_connection.pk])

    assert outcome.successful()
    [run] = runs()
    assert run.status == PollRun.Status.OK and run.connection == demo_connection and run.error == ""
    assert run.items_stored == PluginLogEntry.objects.count() > 0
    assert run.requests_made == len(simulator.requests())
    assert run.finished_at >= run.started_at


def test_a_connection_being_polled_is_not_polled_again_at_the_same_time(demo_connection, simulator):
    with connection_lock(kind=PollRun.Kind.LOGS, connection_id=demo_connection.pk, ttl=60) as acquired:
        assert acquired
        poll_logs_for_connection.apply(args=[demo_connection.pk])

    [run] = runs()
    assert run.status == PollRun.Status.SKIPPED and "still running" in run.error
    assert simulator.requests() == [] and not PluginLogEntry.objects.exists()

    poll_logs_for_connection.apply(args=[demo_connection.pk])
    assert runs()[-1].status == PollRun.Status.OK


def test_a_run_a_killed_worker_left_running_is_closed_by_the_next(demo_connection):
    from django.utils import timezone

    left = PollRun.objects.create(kind=PollRun.Kind.LOGS, connection=demo_connection, started_at=timezone.now())

    poll_logs_for_connection.apply(args=[demo_connection.pk])

    left.refresh_from_db()
    assert (left.status, left.error) == (PollRun.Status.FAILED, INTERRUPTED)
    assert runs()[-1].status == PollRun.Status.OK


def test_a_rejected_key_fails_the_run_and_is_not_retried(simulator, admin_user, countdowns):
    connection = connection_create(
        actor=admin_user, name="Revoked", host=simulator.url, api_key="phx_revoked", project_id="1"
    )

    outcome = poll_logs_for_connection.apply(args=[connection.pk])

    assert outcome.failed()
    [run] = runs()
    assert run.status == PollRun.Status.FAILED and "PostHog rejected the API key" in run.error
    assert countdowns == []


def test_a_server_error_is_retried_after_a_backoff_then_the_poll_succeeds(demo_connection, simulator, countdowns):
    # The first two answers fail, whatever is asked: the client's own retry included.
    unavailable = {"type": "server_error", "detail": "Service unavailable.", "attr": None}
    simulator.script("GET", r"/api/.*", status=503, body=unavailable, times=2)

    outcome = poll_logs_for_connection.apply(args=[demo_connection.pk])

    assert outcome.successful()
    failed, succeeded = runs()
    assert failed.status == PollRun.Status.FAILED and "HTTP 503" in failed.error
    assert succeeded.status == PollRun.Status.OK and succeeded.items_stored > 0
    [countdown] = countdowns
    assert tasks.RETRY_BASE_SECONDS <= countdown <= tasks.RETRY_BASE_SECONDS * 1.25


def test_retries_wait_twice_as_long_each_time_then_give_up(demo_connection, simulator, countdowns):
    faults(simulator, error_rate=1.0, error_status=503)

    outcome = poll_logs_for_connection.apply(args=[demo_connection.pk])

    assert outcome.failed()
    assert [run.status for run in runs()] == [PollRun.Status.FAILED] * (tasks.MAX_RETRIES + 1)
    for retries, countdown in enumerate(countdowns[: tasks.MAX_RETRIES]):
        wait = tasks.RETRY_BASE_SECONDS * 2**retries
        assert wait <= countdown <= wait * 1.25


def test_a_429_is_retried_after_the_wait_posthog_names(demo_connection, simulator, sim, countdowns):
    faults(simulator, rate_limit_per_minute=1)
    sim.call("GET", "/api/projects/1/plugin_configs/")  # someone else spent the minute

    poll_logs_for_connection.apply(args=[demo_connection.pk])

    throttled, retried = runs()
    assert throttled.status == PollRun.Status.FAILED and "rate-limiting" in throttled.error
    # The retry comes after PostHog's wait; until then every poller of the connection holds back.
    [countdown] = countdowns
    assert 50 <= countdown <= 60 * 1.25
    assert retried.status == PollRun.Status.SKIPPED and "rate-limiting" in retried.error
    assert retried.requests_made == 0


def test_poll_logs_polls_every_connection(demo_connection, simulator, admin_user, eager):
    second = connection_create(
        actor=admin_user, name="Second project", host=simulator.url, api_key=DEMO_KEY, project_id="3"
    )

    poll_logs.apply()

    assert {(run.connection_id, run.status) for run in runs()} == {
        (demo_connection.pk, PollRun.Status.OK),
        (second.pk, PollRun.Status.OK),
    }
    assert set(PluginLogEntry.objects.values_list("project_id", flat=True)) == {"1", "3"}


def test_a_deleted_connection_is_not_polled(db):
    assert poll_logs_for_connection.apply(args=[123456]).successful()
    assert runs() == []


@pytest.mark.parametrize(
    ("task", "kind"),
    [(take_delivery_snapshots, PollRun.Kind.DELIVERY), (poll_activity, PollRun.Kind.ACTIVITY)],
)
def test_snapshot_polls_are_recorded_per_connection_and_never_overlap(demo_connection, eager, task, kind, simulator):
    task.apply()  # as the schedule runs it: one task per connection

    [run] = runs(kind)
    assert (run.connection, run.status) == (demo_connection, PollRun.Status.OK)
    # Newer PostHog reports no delivery rate: the run stores nothing then, and is no failure.
    stores = kind != PollRun.Kind.DELIVERY or simulator.profile.plugin_config_delivery_rate
    assert (run.items_stored > 0) is stores and run.requests_made > 0

    with connection_lock(kind=kind, connection_id=demo_connection.pk, ttl=60):
        task.apply(args=[demo_connection.pk])
    assert runs(kind)[-1].status == PollRun.Status.SKIPPED


def test_pruning_is_recorded_and_never_overlaps(db):
    prune_history.apply()
    with cache_lock(name=PollRun.Kind.PRUNE, ttl=60):
        prune_history.apply()

    assert [(run.connection, run.status) for run in runs(PollRun.Kind.PRUNE)] == [
        (None, PollRun.Status.OK),
        (None, PollRun.Status.SKIPPED),
    ]
