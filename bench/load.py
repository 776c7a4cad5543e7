"""A shared portal under load: 50 team members signed in to the portal under gunicorn (portal/gunicorn.conf.py, the
production config: WEB_WORKERS processes × WEB_THREADS threads), on PostgreSQL and Redis, browsing the main pages
and writing (annotations created and edited, plugin configs switched off and on) for `--minutes`, while the pollers
run (the in-process scheduler in a process of its own, bench/load_pollers.py) against the simulator at 100 ms.

Measured: page time p50 / p95 (the page alone, and the page with the parts it loads itself), write time, the error
rate (goal 0), PostHog requests per page view from the simulator's request log, and the pollers' requests a minute
against their budget (apps/history/budget.py), counted as bench/chaos_checks.py counts them. The baseline, in the
same run, is one member alone clicking the same pages for BASELINE_SECONDS before the others sign in.
"""

import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from bench import chaos_checks, chaos_infra, common
from bench.load_members import Member, Sample
from bench.load_pollers import POLLER_AGENT
from portal.plain_http import PLAIN_HTTP_ENVIRONMENT

MEMBERS = (("Admin", 5), ("Operator", 25), ("Viewer", 20))
LATENCY_MS = 100
BASELINE_SECONDS = 30.0
PASSWORD = "load-bench-password-7"  # noqa: S105 (the bench's throwaway people, in a database it drops)
# The main pages, as the navigation names them; a member clicks among those its role may see.
PAGES = (
    "home",
    "plugins:list",
    "plugins:configs",
    "hog_functions:list",
    "batch_exports:list",
    "history:pipeline",
    "groups:list",
    "cohorts:list",
    "annotations:list",
    "file_system:browse",
    "sharing:insights",
    "project_actions:index",
    "roles:list",
    "trail:list",
    "alerts:rules",
)
GUNICORN = chaos_infra.ROOT / ".venv" / "bin" / "gunicorn"


def run(options) -> None:
    if not os.environ.get("REDIS_URL"):
        print("\n## load: cannot run: REDIS_URL must name a Redis database of the bench's own")
        return
    logging.getLogger("portal.posthog").setLevel(logging.WARNING)  # a line per request would bury the figures
    from django.conf import settings

    from apps.connections.services import connection_create
    from apps.history.budget import budget_per_minute
    from simulator import KEYS
    from simulator.core.server import SimulatorServer

    members = sum(count for _, count in MEMBERS)
    print(
        f"\n## load: {members} members for {options.minutes:g} min, simulator latency {LATENCY_MS} ms, "
        f"gunicorn {settings.WEB_WORKERS} workers × {settings.WEB_THREADS} threads, PostgreSQL and Redis"
    )
    folder = Path(tempfile.mkdtemp(prefix="portal-load-"))
    with SimulatorServer(living=True, seed_random=7) as server:
        connection_create(actor=None, name="Load", host=server.url, api_key=KEYS.demo)
        config_ids = [int(c["id"]) for c in server.state.plugin_configs.all(1, deleted=False)]
        _people_create()
        port = chaos_infra.free_port()
        base_url = f"http://127.0.0.1:{port}"
        env = _environment(port)
        # The production command (compose's), without gunicorn's control socket: one path per user, which another
        # gunicorn on this machine may hold.
        serve = [str(GUNICORN), "-c", "portal/gunicorn.conf.py", "--no-control-socket", "portal.wsgi:application"]
        web = _start(serve, env, folder, "web")
        # The pollers' fan-out (a task per connection) runs in their own process rather than in a Celery worker.
        pollers = _start(
            [sys.executable, "-m", "bench.load_pollers"], {**env, "CELERY_TASK_ALWAYS_EAGER": "true"}, folder, "pollers"
        )
        try:
            _wait_healthy(base_url, web)
            team = _team(base_url, config_ids)
            server.faults_set(latency_ms=LATENCY_MS)
            baseline = _phase(team[:1], seconds=min(BASELINE_SECONDS, options.minutes * 15), log=None)
            with ThreadPoolExecutor(max_workers=8) as pool:  # the others, as a team arriving in the morning
                signed = list(pool.map(lambda member: bool(member.samples) or member.sign_in(), team))
            unsigned = [member.username for member, ok in zip(team, signed, strict=True) if not ok]
            if unsigned:
                print(f"  could not sign in: {', '.join(unsigned)}")
            log = _RequestLog(server)
            loaded = _phase(team, seconds=options.minutes * 60, log=log)
        finally:
            for process in (pollers, web):
                _stop(process)
    _report(baseline, loaded, log, budget_per_minute(), folder)


def _people_create() -> None:
    """The team: people in each role, one password hashed once (hashing is slow on purpose)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import AnonymousUser, User

    from apps.people.services import person_create

    setup = AnonymousUser()  # the bench, not a person of the portal
    for role, count in MEMBERS:
        for number in range(1, count + 1):
            person_create(actor=setup, username=f"{role.lower()}{number}", email="", role=role)
    User.objects.update(password=make_password(PASSWORD))


def _environment(port: int) -> dict:
    """What the web server and the pollers share: the bench's database and Redis, DEBUG off, plain http."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "GUNICORN_"))}
    env.update(PLAIN_HTTP_ENVIRONMENT)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_ACCESS_LOG="",
    )
    return env


def _start(command: list[str], env: dict, folder: Path, name: str) -> subprocess.Popen:
    with open(folder / f"{name}.log", "ab") as log:
        return subprocess.Popen(
            command, cwd=chaos_infra.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_healthy(base_url: str, web: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and web.poll() is None:
        try:
            if requests.get(f"{base_url}/healthz/", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError("the web server did not answer /healthz/ (its log is in the run's folder)")


def _team(base_url: str, config_ids: list[int]) -> list[Member]:
    """The members, the first of each role signed in; each clicks among the main pages its role may see (a page
    that refuses the role, 403, is left out for it and named; any other failure stays in and counts as an error)."""
    from django.urls import reverse

    pages = [reverse(name) for name in PAGES]
    team, seed = [], 0
    for role, count in MEMBERS:
        for number in range(1, count + 1):
            seed += 1
            team.append(Member(base_url, f"{role.lower()}{number}", PASSWORD, role, list(pages), config_ids, seed))
    for role, _ in MEMBERS:
        first = next(member for member in team if member.role == role)
        if not first.sign_in():
            raise RuntimeError(f"{first.username} could not sign in")
        refused = [page for page in pages if first.session.get(f"{base_url}{page}", timeout=60).status_code == 403]
        for member in team:
            if member.role == role:
                member.pages = [page for page in pages if page not in refused]
        if refused:
            print(f"  pages a {role} may not see, left out of their clicks: {', '.join(refused)}")
    # The baseline's member first: an Operator, who both reads and writes.
    team.sort(key=lambda member: member.role != "Operator")
    return team


def _phase(team: list[Member], *, seconds: float, log: "_RequestLog | None") -> list[Sample]:
    """The team clicking for `seconds`; the samples of that time."""
    marks = [len(member.samples) for member in team]
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=member.browse, kwargs={"until": until}, daemon=True) for member in team]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        if log is not None:
            log.collect()
        time.sleep(0.5)
    if log is not None:
        log.collect()
    return [sample for member, mark in zip(team, marks, strict=True) for sample in member.samples[mark:]]


class _RequestLog:
    """Every request the simulator served from the phase's start: its log keeps only the newest few thousand, so
    it is read twice a second and what is new since the entry last seen is added."""

    def __init__(self, server) -> None:
        self.server = server
        self.entries: list[dict] = []
        self.overflowed = False
        served = server.requests()
        self._last = served[-1] if served else None

    def collect(self) -> None:
        served = self.server.requests()
        start = 0
        if self._last is not None:
            # The same entry objects come back each time: the one last seen marks where the new ones begin.
            seen = next((i for i in range(len(served) - 1, -1, -1) if served[i] is self._last), None)
            self.overflowed |= seen is None
            start = 0 if seen is None else seen + 1
        self.entries += served[start:]
        if served:
            self._last = served[-1]

    def pollers(self) -> "_Served":
        return _Served([entry for entry in self.entries if entry.get("user_agent") == POLLER_AGENT])


class _Served:
    """Some of the served requests, in the shape `chaos_checks.requests_by_minute` reads (a server's requests())."""

    def __init__(self, entries: list[dict]) -> None:
        self.entries = entries

    def requests(self) -> list[dict]:
        return self.entries


def _report(baseline: list[Sample], loaded: list[Sample], log: _RequestLog, budget: int, folder: Path) -> None:
    print("\n| | members | count | p50 | p95 | errors |\n| --- | --- | --- | --- | --- | --- |")
    for label, samples, members in (("baseline", baseline, 1), ("load", loaded, sum(c for _, c in MEMBERS))):
        for kind, what in (("page", "page"), ("view", "page with its parts"), ("write", "write")):
            times = [s.ms for s in samples if s.kind == kind and s.ok]
            errors = sum(1 for s in samples if s.kind == kind and not s.ok)
            if times or errors:
                figures = f"{common.p50(times):.0f} ms | {common.p95(times):.0f} ms" if times else "– | –"
                print(f"| {label}: {what} | {members} | {len(times) + errors:,} | {figures} | {errors} |")
    failed = [s for s in loaded if not s.ok and s.kind != "view"]
    asked = sum(1 for s in loaded if s.kind != "view")
    print(f"\nerror rate under load: {len(failed)} / {asked:,} requests = {len(failed) / max(1, asked):.2%}")
    for what, count in Counter(f"{s.kind} {s.what} → {s.status}" for s in failed).most_common(10):
        print(f"  {count} × {what}")
    views = sum(1 for s in loaded if s.kind == "view")
    writes = sum(1 for s in loaded if s.kind == "write")
    pages = [e for e in log.entries if e.get("user_agent") != POLLER_AGENT]
    print(
        f"PostHog requests per page view: {len(pages):,} requests by the web server / {views:,} page views "
        f"= {len(pages) / max(1, views):.2f} (its {writes:,} writes included)"
        + (" (the simulator's log overflowed: a floor)" if log.overflowed else "")
    )
    minutes, answers = chaos_checks.requests_by_minute(server=log.pollers())
    busiest = max(minutes.values(), default=0)
    print(
        f"pollers' requests a minute: max {busiest}, mean {sum(minutes.values()) / max(1, len(minutes)):.0f} "
        f"(budget {budget}): {'respected' if busiest <= budget else 'EXCEEDED'}; answers: "
        + ", ".join(f"{status} × {n}" for status, n in sorted(answers.items()))
    )
    problems = ["errors"] * bool(failed) + ["budget exceeded"] * (busiest > budget)
    print(f"result: {'FAILED: ' + ', '.join(problems) if problems else 'passed'} (server logs in {folder})")
