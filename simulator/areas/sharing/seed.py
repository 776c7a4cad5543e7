"""Demo insights and session recordings in every environment (12 insights and 14 recordings in project 1's
production), some of them shared: with and without passwords (one revoked password each, which reads leave out),
with display settings, and one share turned off. Names come from data/*.json; choices are seeded, so every run
makes the same data."""

import json
import random
import uuid
from pathlib import Path

from simulator.areas.sharing import state

DATA = Path(__file__).parent / "data"
TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
SHORT_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _data(name: str):
    return json.loads((DATA / name).read_text())


def _short_id(rng: random.Random) -> str:
    return "".join(rng.choice(SHORT_ID_ALPHABET) for _ in range(8))


def _config(store, world, rng, team_id, config_id, *, enabled, notes, settings, days_ago, revoked_note) -> None:
    passwords = [
        {
            "id": store.next_id(state.PASSWORD_COUNTER),
            "created_at": world.iso(days_ago=days_ago - number),
            "note": note,
            "created_by_email": world.user["email"],
            "is_active": True,
            "password_hash": state.hash_password(f"demo-password-{config_id}-{number}"),
        }
        for number, note in enumerate(notes)
    ]
    if notes:
        passwords.append(
            {
                "id": store.next_id(state.PASSWORD_COUNTER),
                "created_at": world.iso(days_ago=days_ago),
                "note": revoked_note,
                "created_by_email": world.user["email"],
                "is_active": False,
                "password_hash": state.hash_password("revoked"),
            }
        )
    store.insert(
        state.CONFIG,
        {
            "id": config_id,
            "created_at": world.iso(days_ago=days_ago),
            "enabled": enabled,
            "access_token": "".join(rng.choice(TOKEN_ALPHABET) for _ in range(30)),
            "settings": settings,
            "password_required": bool(notes),
            "passwords": passwords,
        },
        id=config_id,
        parent=team_id,
    )


def _insights(store, world, rng, environment, is_main: bool, catalogue: list[dict], notes: dict) -> None:
    team_id = environment["id"]
    count = len(catalogue) if is_main else (4 if environment["name"] != "Production" else 6)
    offset = 0 if is_main else (5 if environment["name"] == "Production" else 2)
    for number in range(count):
        entry = catalogue[(number + offset) % len(catalogue)]
        name, kind = entry["name"], entry["kind"]
        days = 200 - number * 13 + rng.random()
        insight = store.insert(
            state.INSIGHT,
            {
                "team_id": team_id,
                "short_id": _short_id(rng),
                "name": name,
                "derived_name": f"Pageview count by week ({kind})" if name is None else None,
                "description": entry["description"],
                "query": {"kind": "InsightVizNode", "source": {"kind": kind}},
                "tags": ["marketing"] if number % 3 == 0 else [],
                "favorited": number % 4 == 1,
                "created_at": world.iso(days_ago=days),
                "created_by": {**world.user},
                "last_modified_at": world.iso(days_ago=max(0.2, days - 20 - rng.random() * 30)),
                "last_viewed_at": world.iso(days_ago=rng.random() * 10),
                "deleted": False,
                "timezone": environment.get("timezone", "UTC"),
            },
            parent=team_id,
        )
        sharing = _insight_sharing(number, is_main, notes)
        if sharing is not None:
            config_id = f"insight:{insight['id']}"
            _config(store, world, rng, team_id, config_id, revoked_note=notes["revoked_note"], **sharing)


def _insight_sharing(number: int, is_main: bool, notes: dict) -> dict | None:
    """How the insight numbered `number` is shared, in turn: with passwords (in the main environment) and display
    settings, openly, turned off (main environment only), or not at all."""
    if number % 4 == 0:
        protected = notes["notes"][: 1 + number % 3] if is_main else []
        settings = {"legend": True, "noHeader": number % 8 == 0}
        return {"enabled": True, "notes": protected, "settings": settings, "days_ago": 30 - number}
    if number % 4 == 1:
        return {"enabled": True, "notes": [], "settings": None, "days_ago": 12}
    if number % 4 == 2 and is_main:
        return {"enabled": False, "notes": [], "settings": {"whitelabel": True}, "days_ago": 60}
    return None


def _recordings(store, world, rng, team_id: int, is_main: bool, demo: dict, notes: dict) -> None:
    distinct_ids, start_urls = demo["distinct_ids"], demo["start_urls"]
    for number in range(14 if is_main else 6):
        started = rng.uniform(0.05, 28)
        duration = rng.randint(8, 2400)
        active = int(duration * rng.uniform(0.2, 0.95))
        recording_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        retention = 30 if team_id == world.projects[0]["id"] else 90
        store.insert(
            state.RECORDING,
            {
                "id": recording_id,
                "distinct_id": distinct_ids[(number + team_id) % len(distinct_ids)],
                "viewed": number % 3 == 0,
                "viewers": [world.user["email"]] if number % 3 == 0 else [],
                "recording_duration": duration,
                "active_seconds": active,
                "inactive_seconds": duration - active,
                "start_time": world.iso(days_ago=started),
                "end_time": world.iso(days_ago=started - duration / 86400),
                "click_count": rng.randint(0, 120),
                "keypress_count": rng.randint(0, 400),
                "mouse_activity_count": rng.randint(10, 2000),
                "console_log_count": rng.randint(0, 40),
                "console_warn_count": rng.randint(0, 8),
                "console_error_count": rng.choice([0, 0, 0, 1, 3]),
                "start_url": start_urls[number % len(start_urls)],
                "storage": "object_storage",
                "retention_period_days": retention,
                "expiry_time": world.iso(days_ago=started - retention),
                "recording_ttl": retention - int(started),
                "snapshot_source": "web" if number % 5 else "mobile",
                "ongoing": started < 0.1,
                "activity_score": round(rng.uniform(0, 100), 2),
            },
            id=recording_id,
            parent=team_id,
        )
        if number in (0, 3) or (number == 5 and is_main):
            _config(
                store,
                world,
                rng,
                team_id,
                f"recording:{team_id}:{recording_id}",
                enabled=number != 5,
                notes=notes["notes"][1:2] if number == 3 else [],
                settings={"showInspector": True} if number == 0 else None,
                days_ago=5 + number,
                revoked_note=notes["revoked_note"],
            )


def seed(store, world) -> None:
    catalogue, demo, notes = _data("insights.json"), _data("recordings.json"), _data("passwords.json")
    for environment in world.environments:
        rng = random.Random(f"sharing-{environment['id']}")
        is_main = environment["id"] == world.projects[0]["id"]
        _insights(store, world, rng, environment, is_main, catalogue, notes)
        _recordings(store, world, rng, environment["id"], is_main, demo, notes)
