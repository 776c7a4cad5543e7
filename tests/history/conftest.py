"""Fixtures of the history tests: a clean cache, the budget's clock, the simulator's logs, and real Celery workers."""

import os
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection as database

from apps.connections.selectors import WatchedTarget
from apps.connections.services import watch_choices_save
from apps.history import budget
from apps.history.models import PluginLogEntry
from tests.test_deploy import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
CELERY = ROOT / ".venv" / "bin" / "celery"
SIMULATOR_PROJECT = 1  # the demo connection's project
OTHER_PROJECT = 3  # the simulator's second project, with plugin configs of its own


@pytest.fixture(autouse=True)
def clean_cache():
    """Budgets, throttles, locks and backlogs live in the cache, keyed by connection id, and ids repeat between
    tests (SQLite) and between runs (a new test database): every test starts without them."""
    cache.clear()
    yield
    cache.clear()


def watch_only(connection, *project_ids: int) -> None:
    """An Admin's choice: the connection's pollers read these projects and no other, nor any new one."""
    targets = [WatchedTarget(str(p), str(p), f"Project {p}") for p in project_ids]
    watch_choices_save(actor=None, connection=connection, choices=[(t, True) for t in targets], watch_new=False)


@pytest.fixture
def first_project_only(demo_connection):
    """The demo connection watching its first project alone: the tests of how one project's configs are read count
    that project's requests (the pollers' cover of several projects has tests of its own)."""
    watch_only(demo_connection, SIMULATOR_PROJECT)
    return demo_connection


@pytest.fixture
def clock(monkeypatch):
    """The budget's clock, held in the middle of a minute so that no test straddles two budget windows."""
    moment = SimpleNamespace(now=1_800_000_030.0)
    monkeypatch.setattr(budget, "time", SimpleNamespace(time=lambda: moment.now))
    return moment


@pytest.fixture
def simulator_logs(simulator):
    """{plugin config id: {entry id: entry}} of every config of the demo project, as the simulator holds them."""

    def read() -> dict[int, dict[str, dict]]:
        state = simulator.state.plugin_configs
        return {
            config["id"]: {
                entry["id"]: entry for entry in state.logs(config["id"]) if entry["team_id"] == SIMULATOR_PROJECT
            }
            for config in state.all(SIMULATOR_PROJECT)
            if not config.get("deleted")
        }

    return read


@pytest.fixture
def stored_logs():
    """{plugin config id: [entry ids]} of what the portal stored; a list, so that a duplicate would show."""

    def read(connection) -> dict[int, list[str]]:
        stored: dict[int, list[str]] = {}
        for config_id, entry_id in PluginLogEntry.objects.filter(connection=connection).values_list(
            "plugin_config_id", "entry_id"
        ):
            stored.setdefault(config_id, []).append(entry_id)
        return stored

    return read


# Real workers -------------------------------------------------------------------------------------------


@dataclass
class Workers:
    """Celery workers in subprocesses, consuming a queue of their own, against the test database."""

    queue: str
    env: dict
    log_dir: Path
    processes: list[subprocess.Popen] = field(default_factory=list)
    hostnames: list[str] = field(default_factory=list)

    def start(self) -> subprocess.Popen:
        from portal.celery import app

        name = f"{self.queue}-{len(self.processes)}@%h"
        with open(self.log_dir / f"worker-{len(self.processes)}.log", "wb") as log:  # the worker keeps its copy
            process = subprocess.Popen(
                [str(CELERY), "-A", "portal", "worker", "--concurrency=2", "--pool=prefork", "-Q", self.queue]
                + ["--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", name],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: a kill reaches the pool's children too
            )
        self.processes.append(process)
        hostname = name.replace("%h", os.uname().nodename)
        self.hostnames.append(hostname)
        deadline = time.monotonic() + 30
        while not app.control.ping(destination=[hostname], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start:\n{self.log()}")
        return process

    def scheduled(self) -> list[dict]:
        """The tasks the workers hold until their countdown ends (retries, mostly)."""
        from portal.celery import app

        replies = app.control.inspect(destination=self.hostnames, timeout=2).scheduled() or {}
        return [task for tasks in replies.values() for task in tasks]

    def kill(self, process: subprocess.Popen) -> None:
        """What a crash or `kill -9` does: the worker and its pool die at once, mid-task."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill(process)

    def log(self) -> str:
        return "\n".join(path.read_text(errors="replace")[-3000:] for path in sorted(self.log_dir.glob("*.log")))


@pytest.fixture
def services():
    """PostgreSQL and Redis: what production runs, and what several workers need to share."""
    if database.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (DATABASE_URL): SQLite cannot serve several worker processes")
    if not os.environ.get("REDIS_URL"):
        skip_or_fail("needs Redis (REDIS_URL) as the broker and the shared cache of the workers")


@pytest.fixture
def workers(services, transactional_db, tmp_path):
    """Start workers with `workers.start()`; every one is stopped after the test, whatever happened."""
    settings_dict = database.settings_dict
    credentials = settings_dict["USER"] + (f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else "")
    env = {
        **os.environ,
        # The database pytest-django created for this run, not the one DATABASE_URL names.
        "DATABASE_URL": (
            f"postgres://{credentials}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
        ),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "portal.settings"),
    }
    pool = Workers(queue=f"history-test-{uuid.uuid4().hex[:8]}", env=env, log_dir=tmp_path)
    try:
        yield pool
    finally:
        pool.stop_all()
