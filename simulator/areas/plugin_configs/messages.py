"""Plugin log entries: their shape (posthog/models/plugin.py PluginLogEntry) and the simulator's made-up ones.

Entries are made from the message pools in data/log_messages.json: what a config's plugin server instances log
now and then, and bursts of one failure (a warning, then ERRORs a few seconds apart), more often for configs whose
internal `_health` is degraded or failing.
"""

import functools
import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

LOG_SOURCES = ("SYSTEM", "PLUGIN", "CONSOLE")
LOG_TYPES = ("DEBUG", "LOG", "INFO", "WARN", "ERROR")  # PluginLogEntryType
_MESSAGES = json.loads((Path(__file__).parent / "data" / "log_messages.json").read_text(encoding="utf-8"))
DESTINATIONS: dict[str, str] = _MESSAGES["destinations"]
ERROR_MESSAGES: list[str] = _MESSAGES["errors"]
TYPE_WEIGHTS: dict[str, list[int]] = _MESSAGES["type_weights"]


def stamp(moment: datetime) -> str:
    """Every log timestamp has microseconds, so they compare as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@functools.cache
def instance_ids(team: int) -> tuple[str, ...]:
    """The plugin server instances of a team's region: stable ids, so entries group by instance."""
    return tuple(str(uuid.uuid5(uuid.NAMESPACE_URL, f"plugin-server/{team}/{n}")) for n in range(3))


def log_entry(
    config: dict, instance_id: str, moment: datetime, source: str, type: str, message: str, entry_id: str
) -> dict:
    """One entry in PostHog's shape (the DataclassSerializer of PluginLogEntry)."""
    return {
        "id": entry_id,
        "team_id": config["team_id"],
        "plugin_id": config["plugin"],
        "plugin_config_id": config["id"],
        "timestamp": stamp(moment),
        "source": source,
        "type": type,
        "message": message,
        "instance_id": instance_id,
    }


def random_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def destination(plugin: dict) -> str:
    name = plugin.get("name") or ""
    return next((host for word, host in DESTINATIONS.items() if word in name), "api.partner.example")


def error_message(rng: random.Random, plugin: dict, *, messages: list[str] | None = None, ms: int = 5000) -> str:
    return rng.choice(messages or ERROR_MESSAGES).format(
        host=destination(plugin), n=rng.randint(50, 500), ms=ms, user=""
    )


def _message(rng: random.Random, plugin: dict, source: str, type: str) -> str:
    host = destination(plugin)
    category = plugin.get("_category", "transform")
    n = rng.randint(2, 900)
    ms = rng.randint(40, 4800)
    user = f"user_{rng.getrandbits(32):08x}"
    if type == "ERROR":
        return rng.choice(ERROR_MESSAGES).format(host=host, n=n, ms=ms, user=user)
    if source == "SYSTEM":
        return rng.choice(_MESSAGES["system"][type]).format(ms=ms, n=n, short=f"{rng.getrandbits(24):06x}")
    if source == "CONSOLE":
        return rng.choice(_MESSAGES["console"][type]).format(user=user, n=n, ms=ms)
    pool = _MESSAGES["plugin"]
    template = pool.get(category, pool["transform"])[type]
    return template.format(n=n, host=host, ms=ms, user=user, kb=rng.randint(1, 2048), d=rng.randint(0, 30))


def random_entry(rng: random.Random, config: dict, plugin: dict, moment: datetime, *, type: str | None = None) -> dict:
    weights = TYPE_WEIGHTS.get(config.get("_health") or "none", TYPE_WEIGHTS["none"])
    type = type or rng.choices(LOG_TYPES, weights=weights)[0]
    source = rng.choices(LOG_SOURCES, weights=(2, 6, 3))[0]
    if source == "SYSTEM" and type == "LOG":
        source = "PLUGIN"
    return log_entry(
        config,
        rng.choice(instance_ids(config["team_id"])),
        moment,
        source,
        type,
        _message(rng, plugin, source, type),
        random_uuid(rng),
    )


def burst(rng: random.Random, config: dict, plugin: dict, start: datetime) -> list[dict]:
    """A run of the same failure: a warning, then ERRORs a few seconds apart."""
    message = rng.choice(ERROR_MESSAGES).format(
        host=destination(plugin), n=rng.randint(50, 500), ms=rng.randint(100, 9000), user=""
    )
    instance = rng.choice(instance_ids(config["team_id"]))
    entries = [
        log_entry(
            config,
            instance,
            start,
            "SYSTEM",
            "WARN",
            f"Error rate above threshold for {plugin.get('name')}: retrying with backoff",
            random_uuid(rng),
        )
    ]
    moment = start
    for _ in range(rng.randint(4, 9)):
        moment += timedelta(seconds=rng.uniform(0.5, 20))
        entries.append(
            log_entry(
                config,
                instance,
                moment,
                rng.choice(("PLUGIN", "PLUGIN", "CONSOLE")),
                "ERROR",
                message,
                random_uuid(rng),
            )
        )
    return entries


def seed_logs(rng: random.Random, now: datetime, config: dict, plugin: dict) -> list[dict]:
    """A week and a day of history (older than a week goes at the first tick), with bursts of ERRORs."""
    health = config.get("_health")
    span = timedelta(days=8)
    if config["enabled"]:
        count, start, end = rng.randint(90, 220), now - span, now - timedelta(minutes=2)
    else:  # disabled a few days ago: its logs stop then
        count, start, end = rng.randint(10, 35), now - span, now - timedelta(days=2, hours=rng.uniform(0, 48))
    window = (end - start).total_seconds()
    entries = [
        random_entry(rng, config, plugin, start + timedelta(seconds=rng.uniform(0, window))) for _ in range(count)
    ]
    bursts = {"failing": rng.randint(3, 6), "degraded": rng.randint(1, 3)}.get(health, rng.randint(0, 1))
    for _ in range(bursts):
        entries += burst(rng, config, plugin, start + timedelta(seconds=rng.uniform(0, window - 600)))
    if health == "failing":  # the latest burst is recent: what an operator would look into now
        entries += burst(rng, config, plugin, now - timedelta(minutes=rng.uniform(8, 40)))
    return entries
