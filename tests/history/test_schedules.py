"""The default schedules, and the scheduler that runs them in the embedded default."""

import importlib
import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
from celery import shared_task
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from apps.history.embedded import EmbeddedScheduler
from apps.history.schedules import DEFAULT_SCHEDULES, schedules_ensure
from apps.overview import webserver

MIGRATION = ("history", "0003_default_schedules")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
runs: list[str] = []


@shared_task(name="tests.history.record_run")
def record_run(label: str = "run") -> None:
    runs.append(label)


@shared_task(name="tests.history.always_fails")
def always_fails() -> None:
    raise RuntimeError("the upstream is on fire")


@pytest.fixture(autouse=True)
def no_runs_yet():
    runs.clear()


def schedules() -> dict[str, tuple]:
    return {
        task.name: (task.task, task.interval.every, task.interval.period, task.enabled, bool(task.description))
        for task in PeriodicTask.objects.select_related("interval")
    }


def migration_apply() -> None:
    """Run the migration's code on today's tables, with the historical models it gets when it runs for real."""
    loader = MigrationLoader(connection)
    historical = loader.project_state(MIGRATION).apps
    migration = importlib.import_module("apps.history.migrations.0003_default_schedules")
    for operation in migration.Migration.operations:
        operation.code(historical, None)


@pytest.fixture
def defaults(db):
    # Other tests (those with a live server) may have emptied the tables the migration filled.
    PeriodicTask.objects.all().delete()
    migration_apply()


def test_the_migrations_make_the_default_schedules(defaults):
    assert schedules() == {
        "Poll plugin logs": ("apps.history.tasks.poll_logs", 30, "seconds", True, True),
        "Take delivery-rate snapshots": ("apps.history.tasks.take_delivery_snapshots", 5, "minutes", True, True),
        "Poll activity": ("apps.history.tasks.poll_activity", 10, "minutes", True, True),
        "Poll hog function logs": ("apps.history.tasks.poll_hog_function_logs", 30, "seconds", True, True),
        "Count hog function runs": ("apps.history.tasks.take_hog_function_metrics", 10, "minutes", True, True),
        "Poll batch export runs": ("apps.history.tasks.poll_batch_export_runs", 5, "minutes", True, True),
        "Prune history": ("apps.history.tasks.prune_history", 1, "days", True, True),
    }


def test_ensuring_again_keeps_an_admins_edits(defaults):
    logs = PeriodicTask.objects.get(task="apps.history.tasks.poll_logs")
    logs.interval = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.MINUTES)
    logs.save()
    PeriodicTask.objects.filter(task="apps.history.tasks.prune_history").update(
        enabled=False, name="Prune history (paused)"
    )
    before = schedules()

    created = schedules_ensure(periodic_task_model=PeriodicTask, interval_model=IntervalSchedule)

    assert created == [] and schedules() == before
    assert before["Poll plugin logs"][1:3] == (2, "minutes")


def test_ensuring_adds_back_only_what_is_missing(defaults):
    PeriodicTask.objects.filter(task="apps.history.tasks.poll_activity").delete()

    created = schedules_ensure(periodic_task_model=PeriodicTask, interval_model=IntervalSchedule)

    assert created == ["Poll activity"]
    assert len(schedules()) == len(DEFAULT_SCHEDULES)
    assert IntervalSchedule.objects.filter(every=10, period="minutes").count() == 1


# The embedded scheduler ----------------------------------------------------------------------------------


def schedule(task: str, *, name: str = "", minutes: int = 10, **fields) -> PeriodicTask:
    interval, _ = IntervalSchedule.objects.get_or_create(every=minutes, period=IntervalSchedule.MINUTES)
    return PeriodicTask.objects.create(name=name or task, task=task, interval=interval, **fields)


@pytest.fixture
def only_test_schedules(db):
    PeriodicTask.objects.all().delete()


def test_a_due_task_runs_once_and_again_only_when_its_interval_has_passed(only_test_schedules):
    task = schedule("tests.history.record_run", kwargs='{"label": "probe"}')
    scheduler = EmbeddedScheduler()

    assert scheduler.run_due(now=NOW) == [task.name]
    assert scheduler.run_due(now=NOW + timedelta(minutes=9, seconds=59)) == []
    task.refresh_from_db()
    assert (task.last_run_at, task.total_run_count, runs) == (NOW, 1, ["probe"])

    assert scheduler.run_due(now=NOW + timedelta(minutes=10)) == [task.name]
    task.refresh_from_db()
    assert (task.last_run_at, task.total_run_count, runs) == (NOW + timedelta(minutes=10), 2, ["probe", "probe"])


def test_disabled_not_yet_started_and_one_off_tasks_are_respected(only_test_schedules):
    schedule("tests.history.record_run", enabled=False)
    schedule("tests.history.record_run", name="later", minutes=1, start_time=NOW + timedelta(hours=1))
    schedule("tests.history.record_run", name="once", minutes=1, one_off=True)
    scheduler = EmbeddedScheduler()

    assert scheduler.run_due(now=NOW) == ["once"]
    assert scheduler.run_due(now=NOW + timedelta(hours=1)) == ["later"]
    assert runs == ["run", "run"]


def test_a_failing_or_unknown_task_is_logged_and_the_others_still_run(only_test_schedules, caplog):
    schedule("tests.history.always_fails")
    schedule("apps.history.tasks.no_such_task")
    schedule("tests.history.record_run")

    with caplog.at_level(logging.ERROR, logger="portal.history.embedded"):
        ran = EmbeddedScheduler().run_due(now=NOW)

    assert sorted(ran) == sorted(
        ["tests.history.always_fails", "apps.history.tasks.no_such_task", "tests.history.record_run"]
    )
    assert runs == ["run"]
    assert "the upstream is on fire" in caplog.text and "no_such_task" in caplog.text


def test_the_thread_keeps_checking_until_stopped(monkeypatch):
    rounds = threading.Semaphore(0)

    def run_due(self):
        rounds.release()
        raise RuntimeError("database away")  # a failing round must not end the thread

    monkeypatch.setattr(EmbeddedScheduler, "run_due", run_due)
    scheduler = EmbeddedScheduler(check_every=0.01).start()
    try:
        assert all(rounds.acquire(timeout=5) for _ in range(3))
    finally:
        scheduler.stop(timeout=5)
    assert not scheduler.running


# runportal -----------------------------------------------------------------------------------------------


class FakeScheduler:
    started = False

    def start(self):
        FakeScheduler.started = True
        return self


def test_runportal_runs_the_schedules_itself_only_without_a_broker(settings, monkeypatch):
    monkeypatch.setattr(webserver, "EmbeddedScheduler", FakeScheduler)
    said: list[str] = []

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    assert webserver.scheduler_start(write=said.append) is None and not FakeScheduler.started
    assert "celery -A portal worker" in said[-1]

    settings.CELERY_BROKER_URL = "memory://"
    assert isinstance(webserver.scheduler_start(write=said.append), FakeScheduler) and FakeScheduler.started
