"""Log entries and delivery snapshots shaped like PostHog's, generated without holding them all in memory."""

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

TYPES = ("DEBUG", "LOG", "INFO", "WARN", "ERROR")
TYPE_WEIGHTS = (30, 25, 30, 10, 5)
SOURCES = ("PLUGIN", "CONSOLE", "SYSTEM")
WORDS = ("export", "batch", "flushed", "timeout", "retry", "hedgehog", "bigquery", "s3", "kafka", "webhook")
START = datetime(2026, 10, 1, tzinfo=UTC)


def log_entries(count: int, *, configs: int, span: timedelta, seed: int = 7) -> Iterator[dict]:
    """`count` entries spread over `configs` configs and `span`, oldest first, as PostHog answers them."""
    rng = random.Random(seed)
    step = span / count
    for n in range(count):
        words = " ".join(rng.choices(WORDS, k=6))
        yield {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "team_id": 1,
            "plugin_id": 1,
            "plugin_config_id": n % configs + 1,
            "timestamp": (START + step * n).isoformat().replace("+00:00", "Z"),
            "source": rng.choice(SOURCES),
            "type": rng.choices(TYPES, TYPE_WEIGHTS)[0],
            "message": f"{words} {n} rows in {rng.randint(1, 9000)} ms",
            "instance_id": "12345678-0000-4000-8000-000000000001",
        }


def batches(items: Iterator[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def bench_connection():
    from apps.connections.models import Connection

    connection = Connection(name="Bench", host="http://127.0.0.1:9", project_id="1", organization_id="@current")
    connection.set_api_key("phx_bench_key_not_used_000000000000")
    connection.save()
    return connection
