"""The production server (gunicorn with portal/gunicorn.conf.py, DEBUG off) while PostHog hangs on every request:
eight people's pages at once each answer within the budget with a message, and /healthz/ stays quick."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from portal.plain_http import PLAIN_HTTP_ENVIRONMENT

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 4
PASSWORD = "a long enough test password"
MESSAGE = f"PostHog did not answer in {BUDGET} s"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _portal_env(tmp_path: Path, simulator_url: str) -> dict[str, str]:
    from simulator import DEMO_KEY

    kept = ("PATH", "HOME", "LANG", "LC_ALL", "VIRTUAL_ENV", "TMPDIR")
    env = {name: os.environ[name] for name in kept if name in os.environ}
    env.update(PLAIN_HTTP_ENVIRONMENT)
    env.update(
        SECRET_KEY="production-server-test-" + "x" * 40,
        DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        POSTHOG_HOST=simulator_url,
        POSTHOG_PERSONAL_API_KEY=DEMO_KEY,
        POSTHOG_PROJECT_ID="1",
        POSTHOG_REQUEST_BUDGET_SECONDS=str(BUDGET),
        WEB_WORKERS="2",
        WEB_THREADS="8",
        LOG_LEVEL="WARNING",
        GUNICORN_ACCESS_LOG="",
    )
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


@pytest.fixture
def hanging_posthog() -> Iterator:
    from simulator import SimulatorServer

    with SimulatorServer(profile="current", seed_random=1234) as server:
        yield server


@pytest.fixture
def portal(tmp_path: Path, hanging_posthog) -> Iterator[str]:
    env = _portal_env(tmp_path, hanging_posthog.url)
    _manage(env, "migrate", "--no-input", "-v", "0")
    _manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import Group, User; "
        f"u = User.objects.create_user('olga', password='{PASSWORD}'); u.groups.add(Group.objects.get(name='Admin'))",
    )
    port = _free_port()
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    log = tmp_path / "gunicorn.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "portal/gunicorn.conf.py", "portal.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(url: str, server: subprocess.Popen, log: Path) -> None:
    for _ in range(150):
        if server.poll() is not None:
            pytest.fail(f"gunicorn did not start:\n{log.read_text()}")
        try:
            if requests.get(url + "/healthz/", timeout=5).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.1)
    pytest.fail("gunicorn did not answer /healthz/ within 15 s")


def _signed_in(url: str) -> requests.Session:
    session = requests.Session()
    login = session.get(url + "/accounts/login/", timeout=10)
    assert login.status_code == 200
    answer = session.post(
        url + "/accounts/login/",
        data={"username": "olga", "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": url + "/accounts/login/"},
        timeout=10,
    )
    assert answer.status_code == 200 and "sessionid" in session.cookies, answer.text[:500]
    return session


def test_eight_pages_at_once_each_answer_within_the_budget_while_posthog_hangs(portal: str, hanging_posthog) -> None:
    session = _signed_in(portal)
    # Before the hang: a config to open, and the connection made from settings (the home page reads no PostHog).
    config_id = _first_config_id(hanging_posthog)
    assert session.get(portal + "/", timeout=10).status_code == 200
    css = session.get(portal + "/static/css/portal.css", timeout=10)
    assert css.status_code == 200 and "text/css" in css.headers["Content-Type"]
    hanging_posthog.faults_set(hang_rate=1.0, hang_seconds=30.0)

    # Pages that need PostHog, and two that read only what the portal keeps.
    needs_posthog = [
        "/plugin-configs/",
        f"/plugin-configs/{config_id}/",
        "/files/recent/",
        "/pipeline/functions/",
        "/groups/",
        "/cohorts/",
    ]
    own_data = ["/", "/audit/"]

    def timed(path: str) -> tuple[str, int, float, str]:
        started = time.monotonic()
        answer = session.get(portal + path, timeout=BUDGET + 20)
        return path, answer.status_code, time.monotonic() - started, answer.text

    with ThreadPoolExecutor(max_workers=9) as pool:
        pages = [pool.submit(timed, path) for path in needs_posthog + own_data]
        time.sleep(1.0)  # every page is now waiting on PostHog
        health_started = time.monotonic()
        health = requests.get(portal + "/healthz/", timeout=5)
        health_seconds = time.monotonic() - health_started
        answers = [page.result() for page in pages]

    assert health.status_code == 200 and health_seconds < 1.0
    for path, status, seconds, body in answers:
        assert status != 500, path
        assert seconds < BUDGET + 3, f"{path} took {seconds:.1f} s"
        if path in needs_posthog:
            assert MESSAGE in body, f"{path} ({status}) does not say PostHog did not answer"


def _first_config_id(simulator) -> int:
    from simulator import DEMO_KEY

    answer = requests.get(
        simulator.url + "/api/projects/1/plugin_configs/", headers={"Authorization": f"Bearer {DEMO_KEY}"}, timeout=5
    )
    return int(answer.json()["results"][0]["id"])
