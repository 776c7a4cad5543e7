"""The living part of plugin configs: living.py calls `live_tick` inside a store transaction every few seconds.

Enabled configs log a little, and now and then a burst of errors (more often when their `_health` is degraded or
failing); their internal delivery rate drifts within its band; logs older than a week go, as PostHog keeps them a
week. A config's `error` is no longer set: PostHog answers it null, errors live in the logs and app metrics.
"""

import random
from datetime import UTC, datetime, timedelta

from simulator.areas.plugin_configs.messages import burst, random_entry, stamp
from simulator.areas.plugin_configs.state import KIND
from simulator.core.store import Store

LOG_RETENTION = timedelta(days=7)
BURST_CHANCE = {"failing": 0.08, "degraded": 0.04}
# (lowest, highest, largest step) of the delivery rate in each band.
BANDS = {"healthy": (0.99, 1.0, 0.002), "degraded": (0.75, 0.985, 0.01), "failing": (0.05, 0.74, 0.02)}


def live_tick(store: Store, profile, rng: random.Random) -> dict:
    """One step: new log entries, drifted rates, pruned logs; what happened."""
    now = datetime.now(UTC)
    plugins = {p["id"]: p for p in store.all("plugin")}
    entries: list[dict] = []
    ticked = 0
    for config in store.all(KIND):
        plugin = plugins.get(config["plugin"])
        if config["enabled"] and not config.get("deleted") and plugin is not None:
            ticked += 1
            for _ in range(rng.randint(0, 3)):
                entries.append(random_entry(rng, config, plugin, now - timedelta(milliseconds=rng.randint(0, 4000))))
            if rng.random() < BURST_CHANCE.get(config.get("_health"), 0.01):
                entries += burst(rng, config, plugin, now - timedelta(seconds=rng.uniform(30, 60)))
        rate = config.get("_delivery_rate")
        if isinstance(rate, int | float):
            drifted = drift(rng, float(rate), config.get("_health") or band(rate))
            if drifted != rate:
                store.update(KIND, config["id"], {**config, "_delivery_rate": drifted})
    store.logs_add(entries)
    store.logs_prune(older_than=stamp(now - LOG_RETENTION))
    return {"logs_added": len(entries), "configs": ticked}


def band(rate: float) -> str:
    return "healthy" if rate >= 0.99 else "degraded" if rate >= 0.75 else "failing"


def drift(rng: random.Random, rate: float, band: str) -> float:
    """A small step that keeps the config in its band: degraded and failing ones stay lower."""
    low, high, step = BANDS.get(band, BANDS["healthy"])
    moved = rate + rng.uniform(-step, step)
    if band == "healthy" and rng.random() < 0.3:
        moved = 1.0  # healthy configs often deliver everything
    return round(min(high, max(low, moved, 0.0), 1.0), 4)
