"""Demo project secret API keys (data/seed_keys.json): four in the first project, fewer elsewhere; each key keeps
only the scopes its PostHog version allows (the newest seeds `experiment:read`, which an older one refuses)."""

import json
import random
import string
from pathlib import Path

from simulator.areas.secret_keys.state import KIND, allowed_scopes, mask
from simulator.core.store import Store

SEED_KEYS: list[dict] = json.loads((Path(__file__).parent / "data" / "seed_keys.json").read_text())


def _seed_value(rng: random.Random) -> str:
    return "phs_" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(47))


def _days(world, days_ago: float | None) -> str | None:
    return world.iso(days_ago=days_ago) if days_ago is not None else None


def seed(store: Store, world) -> None:
    allowed = allowed_scopes(world.profile)
    for environment in world.environments:
        rng = random.Random(f"secret-keys-{environment['id']}")
        if environment["id"] == world.projects[0]["id"]:
            chosen = SEED_KEYS
        elif environment["name"] == "Production":
            chosen = SEED_KEYS[:3]
        else:
            chosen = SEED_KEYS[2:3]
        for plan in chosen:
            key_id = "".join(rng.choice(string.ascii_letters + string.digits + "-_") for _ in range(32))
            store.insert(
                KIND,
                {
                    "id": key_id,
                    "label": plan["label"],
                    "mask_value": mask(_seed_value(rng)),
                    "created_at": world.iso(days_ago=plan["created_days_ago"]),
                    "created_by": world.user,
                    "last_used_at": _days(world, plan["last_used_days_ago"]),
                    "last_rolled_at": _days(world, plan["last_rolled_days_ago"]),
                    "scopes": [scope for scope in plan["scopes"] if scope in allowed],
                },
                parent=environment["id"],
                id=key_id,
            )
