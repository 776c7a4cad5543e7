"""The log poller against the simulator: 500 plugin configs, 50 ms latency, PostHog's 480 requests a minute;
then `--projects` projects of `--project-configs` configs each, all watched by one connection.

A producer thread writes entries into the simulator the way a real project logs: a few busy configs (one
entry a second), many quiet ones (one entry every ten minutes). The poller runs as the worker would, for
`--minutes`, then until it has caught up. Measured: entries captured / produced, freshness lag (stored
moment − entry timestamp) p50 / p95 for busy configs (and for quiet ones), and requests a minute against the
budget. The baseline, in the same run, is the same poller without its scheduling: plain round robin, oldest poll
first.

The 500 configs are measured in two situations. The poller at work: the producer starts first and every config is
read once before the clock starts, so the schedule knows the busy ones. A new connection's first minutes: a first
poll makes the cursors (and reads what the budget allows, before anything is logged), then the producer starts with
the clock; every config must be read once after that before every busy one is known, which the budget alone bounds
(configs ÷ reads a minute), so those minutes' p95 has a floor no schedule removes.

In the run of several projects, the first project is big and busy (BIG_BUSY_SHARE of its configs busy) and the
others small (SMALL_BUSY_SHARE), all in the one budget of the connection: its figures add each project's p95 lag,
so a project the big one starves would show. The producer starts first and every config is read once before the
clock starts, so the minutes measure the poller at work rather than a new connection's first reads.
"""

import logging
import random
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime

from bench import common

BUSY_SHARE = 0.1
BIG_BUSY_SHARE = 0.4
SMALL_BUSY_SHARE = 0.04
LATENCY_MS = 50
LIMIT_PER_MINUTE = 480
POLL_EVERY_SECONDS = 30  # the default schedule of the log poller (apps/history/schedules.py)


def run(options) -> None:
    logging.getLogger("portal.posthog").setLevel(logging.WARNING)  # a line per request would bury the figures
    runs = (("round robin (baseline)", True), ("poller's scheduling", False))
    if options.configs:
        for situation, warm in (("the poller at work", True), ("a new connection's first minutes", False)):
            print(
                f"\n## poller, {situation}: {options.configs} configs, {LATENCY_MS} ms latency, "
                f"{LIMIT_PER_MINUTE}/min limit"
            )
            for label, round_robin in runs:
                _one_run(options, label=label, round_robin=round_robin, warm=warm)
    if options.projects:
        print(
            f"\n## poller: {options.projects} projects × {options.project_configs} configs, one connection, "
            f"{LATENCY_MS} ms latency, {LIMIT_PER_MINUTE}/min limit"
        )
        for label, round_robin in runs:
            _one_run(options, label=label, round_robin=round_robin, projects=options.projects)


def _one_run(options, *, label: str, round_robin: bool, projects: int = 0, warm: bool = True) -> None:
    """One poller against a fresh simulator. `warm`: the producer starts first and every config is read once before
    the clock starts (the poller at work); else the producer starts with the clock, after a first poll that made the
    cursors and read what the budget allowed before anything was logged (a new connection's first minutes)."""
    from django.conf import settings
    from django.core.cache import cache
    from django.db.models import Q

    from apps.connections.selectors import WatchedTarget
    from apps.connections.services import connection_create, watch_choices_save
    from apps.history import log_poller
    from apps.history.budget import budget_per_minute
    from apps.history.models import LogCursor, PluginLogEntry
    from simulator import KEYS
    from simulator.core.server import SimulatorServer

    cache.clear()
    PluginLogEntry.objects.all().delete()
    LogCursor.objects.all().delete()
    with SimulatorServer(seed_random=3) as server:
        configs = server.state.plugin_configs
        if projects:
            config_projects = _make_projects(server.state, projects, options.project_configs)
            rng = random.Random(1)
            busy = set()
            for number, project in enumerate(sorted(set(config_projects.values()))):
                own = sorted(c for c, p in config_projects.items() if p == project)
                share = BIG_BUSY_SHARE if number == 0 else SMALL_BUSY_SHARE
                busy |= set(rng.sample(own, max(1, int(len(own) * share))))
        else:
            config_projects = dict.fromkeys(_make_configs(server.state, options.configs), 1)
            busy = set(random.Random(1).sample(list(config_projects), max(1, int(len(config_projects) * BUSY_SHARE))))
        configs.logs_clear()  # only the producer's entries count
        connection = connection_create(
            actor=None, name=f"Bench {label} {projects} {warm}", host=server.url, api_key=KEYS.demo, project_id="1"
        )
        if not projects:  # the configs' own project alone; with projects, every one the key sees (no choice made)
            watched = WatchedTarget("1", "1", "Bench")
            watch_choices_save(actor=None, connection=connection, choices=[(watched, True)], watch_new=False)
        produced: dict[str, tuple[datetime, int]] = {}
        lags: dict[str, float] = {}
        stop = threading.Event()
        producer = threading.Thread(target=_produce, args=(configs, config_projects, busy, produced, stop), daemon=True)
        _record_lags(log_poller, produced, lags)
        if warm:
            # The poller at work, not a new connection's first minutes: with the producer running (a few seconds, so
            # every busy config has logged), every config is read once (a fresh budget each poll, no latency), so its
            # schedule knows the busy ones; only what is produced after that is measured.
            producer.start()
            time.sleep(3)
            while True:
                cache.clear()
                log_poller.log_poll_connection(connection=connection)
                if not LogCursor.objects.filter(polled_at__isnull=True).exists():
                    break
            produced.clear()
            lags.clear()
        else:
            log_poller.log_poll_connection(connection=connection)  # the first poll: cursors, nothing to read yet
        server.faults_set(latency_ms=LATENCY_MS, rate_limit_per_minute=LIMIT_PER_MINUTE)
        server.requests_clear()
        if not warm:
            producer.start()
        started, started_at, all_read = time.monotonic(), datetime.now(UTC), None
        deadline = started + options.minutes * 60
        while time.monotonic() < deadline:
            _poll(log_poller, LogCursor, connection, round_robin)
            if (
                all_read is None
                and not LogCursor.objects.filter(Q(polled_at__isnull=True) | Q(polled_at__lt=started_at)).exists()
            ):
                all_read = time.monotonic() - started  # the start of the run that read the last of them
        stop.set()
        producer.join()
        # Then until it has caught up: the schedule's next run (what the last half minute logged is read as it would
        # have been), then every config once more (a quiet one would otherwise wait up to QUIET_MAX), so what was not
        # captured by then is lost, not late. Without that run first, the busy configs' last entries waited for
        # every config's read in an order no schedule gives.
        _poll(log_poller, LogCursor, connection, round_robin)
        LogCursor.objects.update(next_poll_at=None)
        settle = time.monotonic() + 300
        while len(lags) < len(produced) and time.monotonic() < settle:
            _poll(log_poller, LogCursor, connection, round_robin)

        served = server.requests()
        minutes = Counter(entry["at"][:16] for entry in served)
        throttled = sum(1 for entry in served if entry["status"] == 429)
        busy_lags = [lag for entry_id, lag in lags.items() if produced[entry_id][1] in busy]
        quiet_lags = [lag for entry_id, lag in lags.items() if produced[entry_id][1] not in busy]
        print(f"\n{label}:")
        print(f"  captured / produced: {len(lags):,} / {len(produced):,} ({len(lags) / max(1, len(produced)):.1%})")
        if busy_lags:
            print(
                f"  freshness lag, busy configs: p50 {common.p50(busy_lags):.0f} s, p95 {common.p95(busy_lags):.0f} s"
            )
        if quiet_lags:
            print(
                f"  freshness lag, quiet configs: p50 {common.p50(quiet_lags):.0f} s, "
                f"p95 {common.p95(quiet_lags):.0f} s ({len(quiet_lags):,} entries)"
            )
        if not warm:
            # Every config must be read once after the producer starts before every busy one is known: the budget
            # alone sets how long that takes at best.
            floor = len(config_projects) / budget_per_minute() * 60
            read = "not within the run" if all_read is None else f"by the run started {all_read:.0f} s in"
            print(
                f"  every config read once after the start: {read} (floor: configs ÷ budget a minute = {floor:.0f} s)"
            )
        if projects:
            _print_projects(config_projects, busy, produced, lags)
        print(
            f"  requests a minute: max {max(minutes.values(), default=0)}, "
            f"mean {sum(minutes.values()) / max(1, len(minutes)):.0f} "
            f"(budget {budget_per_minute()} = {settings.HISTORY_POLL_BUDGET_SHARE:.0%} of {LIMIT_PER_MINUTE}); "
            f"429 answers: {throttled}"
        )


def _print_projects(config_projects: dict[int, int], busy: set[int], produced: dict, lags: dict) -> None:
    """Each project's busy-config lag p95 and captured share: the big project first, then the small ones' range."""
    per_project: dict[int, list[float]] = {}
    captured: Counter = Counter()
    made: Counter = Counter(config_projects[config_id] for _, config_id in produced.values())
    for entry_id, lag in lags.items():
        config_id = produced[entry_id][1]
        captured[config_projects[config_id]] += 1
        if config_id in busy:
            per_project.setdefault(config_projects[config_id], []).append(lag)
    ordered = sorted(set(config_projects.values()))
    big, small = ordered[0], ordered[1:]
    p95s = {project: common.p95(per_project[project]) for project in ordered if per_project.get(project)}
    print(
        f"  big project: lag p95 {p95s.get(big, float('nan')):.0f} s, captured {captured[big] / max(1, made[big]):.1%}"
    )
    small_p95 = [p95s[project] for project in small if project in p95s]
    small_captured = [captured[project] / max(1, made[project]) for project in small]
    if small_p95:
        print(
            f"  small projects: lag p95 {min(small_p95):.0f}–{max(small_p95):.0f} s (worst of {len(small)}), "
            f"captured {min(small_captured):.1%}–{max(small_captured):.1%}"
        )


def _poll(log_poller, LogCursor, connection, round_robin: bool) -> None:
    """One run of the log poller's schedule, then a wait for the next one, as celery beat would start them."""
    from django.db.models import F

    started = time.monotonic()
    if round_robin:
        LogCursor.objects.update(next_poll_at=F("polled_at"))
    log_poller.log_poll_connection(connection=connection)
    time.sleep(max(0.0, POLL_EVERY_SECONDS - (time.monotonic() - started)))


def _record_lags(log_poller, produced: dict, lags: dict) -> None:
    """Wraps the poller's store path: the moment an entry is stored is when it became visible in the portal."""
    store = log_poller.log_batch_store

    def recording(*, cursor, entries, **changes):
        stored = store(cursor=cursor, entries=entries, **changes)
        now = datetime.now(UTC)
        for entry in entries:
            if entry["id"] in produced and entry["id"] not in lags:
                lags[entry["id"]] = (now - produced[entry["id"]][0]).total_seconds()
        return stored

    log_poller.log_batch_store = recording


def _produce(configs, config_projects: dict[int, int], busy: set[int], produced: dict, stop: threading.Event) -> None:
    rng = random.Random(2)
    quiet = [config_id for config_id in config_projects if config_id not in busy]
    while not stop.wait(1.0):
        now = datetime.now(UTC)
        chosen = list(busy) + [c for c in quiet if rng.random() < 1 / 600]
        entries = [_entry(config_id, config_projects[config_id], now, rng) for config_id in chosen]
        configs.logs_add(entries)
        for entry, config_id in zip(entries, chosen, strict=True):
            produced[entry["id"]] = (now, config_id)


def _entry(config_id: int, project_id: int, moment: datetime, rng: random.Random) -> dict:
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "team_id": project_id,
        "plugin_id": 1,
        "plugin_config_id": config_id,
        "timestamp": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "source": "PLUGIN",
        "type": "INFO",
        "message": f"processed a batch for config {config_id}",
        "instance_id": "bench",
    }


def _plugin_without_settings(state) -> int:
    return next(
        p["id"]
        for p in state.plugins.all()
        if isinstance(p["config_schema"], list) and not any(e.get("required") for e in p["config_schema"])
    )


def _make_configs(state, count: int, project_id: int = 1) -> list[int]:
    """Enabled configs of a plugin without required settings, until the project has `count` of them."""
    plugin = _plugin_without_settings(state)
    for _ in range(len(state.plugin_configs.all(project_id)), count):
        state.plugin_configs.add(plugin, project_id=project_id)
    return [c["id"] for c in state.plugin_configs.all(project_id, deleted=False)][:count]


def _make_projects(state, projects: int, per_project: int) -> dict[int, int]:
    """The simulator's projects with configs, and new ones, until there are `projects` of `per_project` configs
    each: {config id: its project}. Configs of projects beyond them (none in the demo data) are not counted."""
    organizations = state.organizations.projects
    ids = [int(project["id"]) for project in organizations.all()]
    while len(ids) < projects:
        ids.append(int(organizations.add(f"Bench project {len(ids) + 1}")["id"]))
    found: dict[int, int] = {}
    for project_id in ids[:projects]:
        found |= dict.fromkeys(_make_configs(state, per_project, project_id), project_id)
    return found
