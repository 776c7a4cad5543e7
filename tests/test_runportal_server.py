"""`runportal` (what bin/portal runs) serves through gunicorn, not Django's development server: started as bin/portal
starts it (a fresh SQLite, the simulator, DEBUG off), it answers the health check and a static file, then stops
with the simulator it started."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

from portal.plain_http import PLAIN_HTTP_ENVIRONMENT

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 20.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def folder(tmp_path):
    """Memory when there is some: SQLite commits each of the simulator's first seeding writes, which takes
    seconds on a disk."""
    if not Path("/dev/shm").is_dir():
        yield tmp_path
        return
    with tempfile.TemporaryDirectory(dir="/dev/shm") as name:
        yield Path(name)


@pytest.fixture
def portal(folder):
    port, simulator_port = _free_port(), _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("POSTHOG_", "REDIS_", "CELERY_"))}
    # What bin/portal exports, on a database of the test's own.
    env.update(PLAIN_HTTP_ENVIRONMENT)
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'portal.sqlite3'}",
        PORTAL_DEMO="true",
        GUNICORN_ACCESS_LOG="",
        WEB_THREADS="2",
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    simulator_db = str(folder / "simulator.sqlite3")  # the checkout's demo state (var/) stays as it was
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=60)
    process = subprocess.Popen(
        [
            *manage,
            "runportal",
            f"127.0.0.1:{port}",
            "--simulator-port",
            str(simulator_port),
            "--simulator-db",
            simulator_db,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        started = time.monotonic()
        while not _answers(port):
            if process.poll() is not None or time.monotonic() - started > START_SECONDS:
                process.kill()
                pytest.fail(f"runportal did not start:\n{process.communicate()[0]}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", simulator_port, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


def test_runportal_serves_through_gunicorn_with_static_files_and_stops_cleanly(portal):
    url, simulator_port, process = portal

    health = requests.get(f"{url}/healthz/", timeout=10)
    assert health.status_code == 200
    assert health.headers["Server"] == "gunicorn"

    css = requests.get(f"{url}/static/css/portal.css", timeout=10)
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
    assert "max-age" in css.headers["Cache-Control"]  # WhiteNoise's caching, which the development server never sets

    home = requests.get(url, timeout=10, allow_redirects=False)
    assert home.status_code == 302 and "/accounts/login/" in home.headers["Location"]

    process.send_signal(signal.SIGTERM)
    output = process.communicate(timeout=30)[0]
    assert "Serving on" in output and "gunicorn" in output
    assert not _answers(simulator_port), "the simulator outlived the portal that started it"


def test_one_worker_process_holds_the_embedded_state_and_redis_allows_the_configured_number(settings):
    from apps.overview.webserver import server_options

    settings.REDIS_URL = ""
    alone = server_options(bind="127.0.0.1:8000")
    assert (alone["worker_class"], alone["workers"], alone["threads"]) == ("gthread", 1, settings.WEB_THREADS)

    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    shared = server_options(bind="127.0.0.1:8000")
    assert (shared["workers"], shared["bind"]) == (settings.WEB_WORKERS, "127.0.0.1:8000")
