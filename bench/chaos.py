"""Workers under failure: two Celery workers and beat against a private Redis and PostgreSQL, polling the living
simulator while faults switch on and off, a worker is killed -9 twice, Redis is restarted once and PostgreSQL once.

Measured: lost and duplicated plugin log entries, delivery snapshots and activity entries (the portal's rows
against the simulator's, by id), the pollers' requests a minute against their budget, and whether the polling
status page (its selector, sampled every 10 s) ever said something the stored runs contradict. Exits non-zero on
any loss, duplicate, budget overrun or untruthful status. `bench/run chaos --minutes 2` is the short version the
test suite runs (tests/history/test_chaos_short.py).
"""

import json
import logging
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import requests

from bench import chaos_checks, chaos_infra

# The faults switched on in turn, each followed by a spell without faults (simulator/core/faults.py).
FAULTS = (
    {"error_rate": 0.3},
    {"malformed_rate": 0.2},
    {"hang_rate": 0.15, "hang_seconds": 3.0},
    {"rate_limit_per_minute": 40},
    {"drop_rate": 0.1},
)
# PostHog's limit as the portal is told it: the pollers' budget is half of it, low enough to be reached here.
RATE_LIMIT_PER_MINUTE = 240
SAMPLE_EVERY = 10.0
SETTLE_AT_MOST = 300.0
DOWN_SECONDS = 5.0  # how long a killed worker stays down before its supervisor starts it again


def run(options) -> int:
    problem = chaos_infra.binaries_missing()
    if problem:
        print(f"chaos: cannot run: {problem}")
        return 2
    folder = Path(tempfile.mkdtemp(prefix="portal-chaos-"))
    folder.chmod(0o755)
    postgres, redis = chaos_infra.PrivatePostgres(folder), chaos_infra.PrivateRedis(folder)
    processes: list[chaos_infra.CeleryProcess] = []
    failed = True
    try:
        postgres.create()
        redis.start()
        env = _environment(postgres.url, redis.url)
        os.environ.update(env)
        failed = _chaos(options.minutes * 60, folder, postgres, redis, env, processes)
    finally:
        for process in processes:
            process.stop()
        redis.stop()
        postgres.stop()
        # Beyond the first starts and the two after the kills, a process was started again because it had ended.
        if failed or sum(process.starts for process in processes) > len(processes) + 2:
            print(f"logs of the workers, beat, Redis and PostgreSQL kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 1 if failed else 0


def _environment(database_url: str, redis_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "POSTHOG_", "HISTORY_"))}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DEBUG="false",
        DJANGO_SETTINGS_MODULE="portal.settings",
        POSTHOG_RATE_LIMIT_PER_MINUTE=str(RATE_LIMIT_PER_MINUTE),
    )
    return env


def _chaos(seconds: float, folder: Path, postgres, redis, env: dict, processes: list) -> bool:
    import django
    from django.core.management import call_command

    logging.getLogger("portal.posthog").setLevel(logging.ERROR)
    django.setup()
    call_command("migrate", verbosity=0)
    from apps.connections.services import connection_create
    from apps.history.budget import budget_per_minute
    from simulator import KEYS
    from simulator.core.server import SimulatorServer

    _schedules_quicken(short=seconds < 300)
    # The older PostHog: it still reports delivery rates, so there are delivery snapshots to keep.
    with SimulatorServer(profile="legacy", living=True, living_interval=3.0, seed_random=7) as server:
        connection = connection_create(actor=None, name="Chaos", host=server.url, api_key=KEYS.unscoped)
        project_ids = [int(p["id"]) for p in server.state.organizations.projects.all()]
        workers = [chaos_infra.worker(number=n, env=env, folder=folder) for n in (1, 2)]
        beat = chaos_infra.beat(env=env, folder=folder)
        processes += [*workers, beat]
        for process in processes:
            process.start()
        since = datetime.now(UTC)
        print(f"\n## chaos: {seconds / 60:g} minutes, 2 workers and beat, private PostgreSQL and Redis")
        watch = chaos_checks.StatusWatch()
        events = _timeline(seconds)
        log = _Timeline(server, postgres, redis, workers, watch, connection.pk)
        log.play(events, until=time.monotonic() + seconds, supervised=processes)
        until = datetime.now(UTC)
        # The window closes: no entry arrives late into it (a burst is stamped up to a minute back) while the
        # pollers settle, so what the simulator holds of it is final.
        server.simulator.life.stop()
        server.faults_clear()
        settled = log.settle(connection_id=connection.pk, supervised=processes)
        compared = [
            chaos_checks.logs_compare(
                server=server, connection_id=connection.pk, project_ids=project_ids, since=since, until=until
            ),
            chaos_checks.snapshots_compare(
                server=server, connection_id=connection.pk, project_ids=project_ids, since=since
            ),
            chaos_checks.activity_compare(server=server, connection_id=connection.pk, api_key=KEYS.unscoped),
        ]
        minutes, answers = chaos_checks.requests_by_minute(server=server)
    return _report(compared, minutes, answers, budget_per_minute(), watch, log, settled, processes)


def _schedules_quicken(*, short: bool) -> None:
    """Every poller runs several times in the run: logs every 15 or 30 s, the others every 30 or 60 s."""
    from django_celery_beat.models import SECONDS, IntervalSchedule, PeriodicTask

    from apps.history import kinds
    from apps.history.schedules import interval_for

    fast, slow = (15, 30) if short else (30, 60)
    for task in kinds.HISTORY_TASKS.values():
        every = fast if task in (kinds.LOGS, kinds.HOG_LOGS) else slow
        interval = interval_for(interval_model=IntervalSchedule, every=every, period=SECONDS)
        PeriodicTask.objects.filter(task=task.name).update(interval=interval, enabled=task is not kinds.PRUNE)


def _timeline(seconds: float) -> list[tuple[float, str]]:
    """(seconds from the start, event): faults on and off every 30–60 s (a tenth of a short run), a worker killed
    at a fifth and past half of the run, Redis restarted at a third, PostgreSQL at three quarters."""
    rng = random.Random(11)
    events = [(seconds * 0.2, "kill"), (seconds * 0.35, "redis"), (seconds * 0.55, "kill"), (seconds * 0.75, "pg")]
    spell = min(60.0, seconds / 6)
    at, number = rng.uniform(0.5, 1.0) * spell, 0
    while at < seconds - spell / 2:
        events.append((at, f"faults:{number % (2 * len(FAULTS))}"))
        at += rng.uniform(0.5, 1.0) * spell
        number += 1
    return sorted(events)


class _Timeline:
    def __init__(self, server, postgres, redis, workers, watch, connection_id: int) -> None:
        self.server, self.postgres, self.redis, self.workers = server, postgres, redis, workers
        self.watch, self.connection_id = watch, connection_id
        self.counts: Counter = Counter()
        self.restart_at: dict[int, float] = {}
        self.activity_writes = 0
        self.started = time.monotonic()

    def play(self, events: list[tuple[float, str]], *, until: float, supervised: list) -> None:
        pending = list(events)
        next_sample = next_write = time.monotonic()
        while time.monotonic() < until:
            now = time.monotonic()
            while pending and now - self.started >= pending[0][0]:
                self._event(pending.pop(0)[1])
            self._supervise(supervised)
            if now >= next_sample:
                self.watch.sample(connection_id=self.connection_id)
                next_sample = now + SAMPLE_EVERY
            if now >= next_write:
                self._activity_write()
                next_write = now + SAMPLE_EVERY
            time.sleep(0.5)

    def _event(self, event: str) -> None:
        stamp = f"{time.monotonic() - self.started:5.0f} s"
        if event == "kill":
            worker = self.workers[0]  # the same worker twice, as the issue asks
            worker.kill()
            self.restart_at[id(worker)] = time.monotonic() + DOWN_SECONDS
            self.counts["worker killed -9"] += 1
        elif event == "redis":
            self.redis.restart(down_seconds=3.0)
            self.counts["Redis restarted"] += 1
        elif event == "pg":
            self.postgres.restart()
            self.counts["PostgreSQL restarted"] += 1
        else:
            number = int(event.split(":")[1])
            faults = FAULTS[number // 2] if number % 2 == 0 else {}
            self.server.faults_clear()
            if faults:
                self.server.faults_set(**faults)
            self.counts["fault switches"] += 1
            event = f"faults {faults or 'off'}"
        print(f"  {stamp}: {event}", flush=True)

    def _supervise(self, supervised: list) -> None:
        """What a service manager does: a process that ended is started again (a killed one after DOWN_SECONDS)."""
        for process in supervised:
            if process.alive():
                continue
            if id(process) in self.restart_at:
                if time.monotonic() < self.restart_at[id(process)]:
                    continue
                del self.restart_at[id(process)]
            else:
                self.counts[f"{process.name} ended on its own"] += 1
            process.start()

    def _activity_write(self) -> None:
        """A person changing a config in PostHog, so that there is new activity to keep; faults hit it too."""
        from simulator import KEYS

        configs = [c for c in self.server.state.plugin_configs.all(1, deleted=False) if c["enabled"]]
        config = random.choice(configs)
        # A settings change is the write PostHog keeps activity of; settings go as PostHog's own frontend sends
        # them, a JSON string in a multipart body (REAL-BEHAVIOUR.md, section 2).
        settings = json.dumps({**(config.get("config") or {}), "chaos_marker": f"{datetime.now(UTC):%H:%M:%S.%f}"})
        try:
            requests.patch(
                f"{self.server.url}/api/projects/1/plugin_configs/{config['id']}/",
                files={"config": (None, settings)},
                headers={"Authorization": f"Bearer {KEYS.unscoped}", "User-Agent": chaos_checks.BENCH_AGENT},
                timeout=10,
            )
            self.activity_writes += 1
        except requests.RequestException:
            pass

    def settle(self, *, connection_id: int, supervised: list) -> bool:
        """Faults off: every log cursor due again (a quiet config would otherwise wait up to 10 minutes), then two
        log polls and a delivery and activity poll that succeed."""
        from django.db import connection as database
        from django.utils import timezone

        from apps.history.models import HogFunctionLogCursor, LogCursor, PollRun

        print(f"  {time.monotonic() - self.started:5.0f} s: faults off, settling", flush=True)
        deadline = time.monotonic() + SETTLE_AT_MOST
        for process in supervised:
            self.restart_at.pop(id(process), None)
        database.close()
        started = timezone.now()
        LogCursor.objects.filter(connection_id=connection_id).update(next_poll_at=None)
        HogFunctionLogCursor.objects.filter(connection_id=connection_id).update(next_poll_at=None)
        needed = {PollRun.Kind.LOGS: 2, PollRun.Kind.DELIVERY: 1, PollRun.Kind.ACTIVITY: 1}
        while time.monotonic() < deadline:
            self._supervise(supervised)
            done = Counter(
                PollRun.objects.filter(
                    connection_id=connection_id, started_at__gte=started, status=PollRun.Status.OK
                ).values_list("kind", flat=True)
            )
            if all(done[kind] >= count for kind, count in needed.items()):
                print(f"  settled in {(timezone.now() - started).total_seconds():.0f} s", flush=True)
                return True
            time.sleep(2)
        print(f"  not settled after {SETTLE_AT_MOST:.0f} s", flush=True)
        return False


def _report(compared, minutes: Counter, answers: Counter, budget: int, watch, log, settled, processes) -> bool:
    from apps.history.models import PollRun

    print("\n| | simulator | stored | lost | duplicated |\n| --- | --- | --- | --- | --- |")
    for row in compared:
        print(f"| {row.what} | {row.simulator:,} | {row.stored:,} | {row.lost} | {row.duplicated} |")
    for row in compared:
        for example in row.examples:
            print(f"  lost: {example}")
    runs = Counter(PollRun.objects.values_list("kind", "status"))
    print("\npoll runs: " + ", ".join(f"{kind} {status} {n}" for (kind, status), n in sorted(runs.items())))
    events = ", ".join(f"{what} {n}" for what, n in sorted(log.counts.items()))
    print(f"events: {events}; processes started {sum(p.starts for p in processes)}")
    print(f"activity writes made in the simulator: {log.activity_writes}")
    busiest = max(minutes.values(), default=0)
    print(
        f"pollers' requests a minute: max {busiest}, mean {sum(minutes.values()) / max(1, len(minutes)):.0f} "
        f"(budget {budget}); answers: " + ", ".join(f"{status} × {n}" for status, n in sorted(answers.items()))
    )
    for minute, count in sorted(minutes.items()):
        if count > budget:
            print(f"  over the budget: {count} requests in the minute from {minute[11:]} UTC")
    print(
        f"status page samples: {watch.samples} ({watch.unavailable} while PostgreSQL or Redis was down), "
        f"violations {len(watch.violations)}, longest shown running {watch.running_longest.total_seconds():.0f} s"
    )
    for violation in watch.violations[:20]:
        print(f"  violation: {violation}")
    failures = [row.what for row in compared if row.lost or row.duplicated]
    failures += ["budget exceeded"] * (busiest > budget) + ["status page untruthful"] * bool(watch.violations)
    failures += [] if settled else ["did not settle"]
    print(f"\nresult: {'FAILED: ' + ', '.join(failures) if failures else 'passed'}")
    return bool(failures)


if __name__ == "__main__":
    sys.exit(run(type("Options", (), {"minutes": float(sys.argv[1]) if len(sys.argv) > 1 else 10.0})()))
