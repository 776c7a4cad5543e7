"""The log poller against the simulator: 500 plugin configs, 50 ms latency, PostHog's 480 requests a minute.

A producer thread writes entries into the simulator the way a real project logs: a few busy configs (one
entry a second), many quiet ones (one entry every ten minutes). The poller runs as the worker would, for
`--minutes`, then until it has caught up. Measured: entries captured / produced, freshness lag (stored
moment − entry timestamp) p50 / p95 for busy configs, and requests a minute against the budget. The
baseline, in the same run, is the same poller without its scheduling: plain round robin, oldest poll first.
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
LATENCY_MS = 50
LIMIT_PER_MINUTE = 480
POLL_EVERY_SECONDS = 30  # the default schedule of the log poller (apps/history/schedules.py)


def run(options) -> None:
    logging.getLogger("portal.posthog").setLevel(logging.WARNING)  # a line per request would bury the figures
    print(f"\n## poller: {options.configs} configs, {LATENCY_MS} ms latency, {LIMIT_PER_MINUTE}/min limit")
    for label, round_robin in (("round robin (baseline)", True), ("poller's scheduling", False)):
        _one_run(options, label=label, round_robin=round_robin)


def _one_run(options, *, label: str, round_robin: bool) -> None:
    from django.conf import settings
    from django.core.cache import cache

    from apps.connections.services import connection_create
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
        config_ids = _make_configs(server.state, options.configs)
        configs.logs_clear()  # only the producer's entries count
        connection = connection_create(
            actor=None, name=f"Bench {label}", host=server.url, api_key=KEYS.demo, project_id="1"
        )
        log_poller.log_poll_connection(connection=connection)  # the first poll: cursors, nothing to read yet
        server.faults_set(latency_ms=LATENCY_MS, rate_limit_per_minute=LIMIT_PER_MINUTE)
        server.requests_clear()

        produced: dict[str, datetime] = {}
        lags: dict[str, float] = {}
        busy = set(random.Random(1).sample(config_ids, max(1, int(len(config_ids) * BUSY_SHARE))))
        stop = threading.Event()
        producer = threading.Thread(target=_produce, args=(configs, config_ids, busy, produced, stop), daemon=True)
        _record_lags(log_poller, produced, lags)
        producer.start()
        deadline = time.monotonic() + options.minutes * 60
        while time.monotonic() < deadline:
            _poll(log_poller, LogCursor, connection, round_robin)
        stop.set()
        producer.join()
        # Then until it has caught up: every config is read once more (a quiet one would otherwise wait up to
        # QUIET_MAX), so what was not captured by then is lost, not late.
        LogCursor.objects.update(next_poll_at=None)
        settle = time.monotonic() + 300
        while len(lags) < len(produced) and time.monotonic() < settle:
            _poll(log_poller, LogCursor, connection, round_robin)

        served = server.requests()
        minutes = Counter(entry["at"][:16] for entry in served)
        throttled = sum(1 for entry in served if entry["status"] == 429)
        busy_lags = [lag for entry_id, lag in lags.items() if produced[entry_id][1] in busy]
        print(f"\n{label}:")
        print(f"  captured / produced: {len(lags):,} / {len(produced):,} ({len(lags) / max(1, len(produced)):.1%})")
        if busy_lags:
            print(
                f"  freshness lag, busy configs: p50 {common.p50(busy_lags):.0f} s, p95 {common.p95(busy_lags):.0f} s"
            )
        print(
            f"  requests a minute: max {max(minutes.values(), default=0)}, "
            f"mean {sum(minutes.values()) / max(1, len(minutes)):.0f} "
            f"(budget {budget_per_minute()} = {settings.HISTORY_POLL_BUDGET_SHARE:.0%} of {LIMIT_PER_MINUTE}); "
            f"429 answers: {throttled}"
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


def _produce(configs, config_ids: list[int], busy: set[int], produced: dict, stop: threading.Event) -> None:
    rng = random.Random(2)
    quiet = [config_id for config_id in config_ids if config_id not in busy]
    while not stop.wait(1.0):
        now = datetime.now(UTC)
        chosen = list(busy) + [c for c in quiet if rng.random() < 1 / 600]
        entries = [_entry(config_id, now, rng) for config_id in chosen]
        configs.logs_add(entries)
        for entry, config_id in zip(entries, chosen, strict=True):
            produced[entry["id"]] = (now, config_id)


def _entry(config_id: int, moment: datetime, rng: random.Random) -> dict:
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "team_id": 1,
        "plugin_id": 1,
        "plugin_config_id": config_id,
        "timestamp": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "source": "PLUGIN",
        "type": "INFO",
        "message": f"processed a batch for config {config_id}",
        "instance_id": "bench",
    }


def _make_configs(state, count: int) -> list[int]:
    """Enabled configs of a plugin without required settings, until the project has `count` of them."""
    plugin = next(
        p["id"]
        for p in state.plugins.all()
        if isinstance(p["config_schema"], list) and not any(e.get("required") for e in p["config_schema"])
    )
    for _ in range(len(state.plugin_configs.all(1)), count):
        state.plugin_configs.add(plugin, project_id=1)
    return [c["id"] for c in state.plugin_configs.all(1, deleted=False)][:count]
