"""The seeded plugin configs (data/configs.json): both projects, values that satisfy each plugin's schema
(data/fake_values.json), a health that drives the living data, a little history and a week and a day of logs.

Deterministic (its own random generator); the draws of what used to be a config's stored `error` are kept so the
rest of the seeded data stays as it was.
"""

import json
import random
from pathlib import Path
from typing import Any

from simulator.areas.plugin_configs.messages import ERROR_MESSAGES, error_message, seed_logs
from simulator.areas.plugin_configs.state import KIND
from simulator.areas.plugin_configs.validation import condition_holds
from simulator.areas.plugins.state import SECRET_MASK, schema_fields, secret_fields
from simulator.core import context
from simulator.core.store import Store

DATA = Path(__file__).parent / "data"
PROJECT_CONFIGS: list[list[dict]] = json.loads((DATA / "configs.json").read_text(encoding="utf-8"))
FAKE_VALUES: dict[str, str] = json.loads((DATA / "fake_values.json").read_text(encoding="utf-8"))
RATES = {
    "healthy": lambda rng: 1.0 if rng.random() < 0.4 else round(rng.uniform(0.991, 0.9999), 4),
    "degraded": lambda rng: round(rng.uniform(0.78, 0.975), 4),
    "failing": lambda rng: round(rng.uniform(0.18, 0.7), 4),
}


def _fake_value(rng: random.Random, entry: dict) -> Any:
    key = entry["key"].lower()
    hexed = f"{rng.getrandbits(96):024x}"
    if entry.get("type") == "choice":
        return (entry.get("choices") or [""])[0]
    if entry.get("type") == "dictionary":
        return {"email": "email", "plan": "subscription_plan"}
    if entry.get("type") == "json":
        return '{"signed_up": "Signed up"}'
    if "webhookurl" in key:
        return f"https://hooks.slack.com/services/T024BE7LD/B08HEDGEHOG/{hexed}"
    if "databaseurl" in key:
        return f"postgres://posthog:{hexed[:12]}@db.hedgehog.internal:5432/analytics"
    if "password" in key:
        return f"Tr0ub4dor&3-{hexed[:10]}"
    if entry.get("secret"):
        return f"sk_live_{hexed}"
    return FAKE_VALUES.get(key, "hedgehog")


def seed_values(rng: random.Random, plugin: dict, overrides: dict) -> tuple[dict, dict]:
    """Config values and attachments that satisfy the plugin's schema (so the config can be enabled)."""
    values: dict[str, Any] = {}
    attachments: dict[str, dict] = {}
    fields = schema_fields(plugin)
    for entry in fields:
        if entry["key"] in overrides:
            values[entry["key"]] = overrides[entry["key"]]
        elif entry.get("type") != "attachment" and entry.get("default") not in (None, ""):
            values[entry["key"]] = entry["default"]
    for entry in fields:
        key = entry["key"]
        if key in values or (entry.get("visible_if") and not condition_holds(values, entry["visible_if"])):
            continue
        needed = entry.get("required") or (entry.get("required_if") and condition_holds(values, entry["required_if"]))
        if entry.get("type") == "attachment":
            if needed or rng.random() < 0.5:
                name = "service-account.json" if entry.get("secret") else "column-mapping.json"
                attachments[key] = {
                    "uid": rng.randint(100, 9999),
                    "saved": True,
                    "size": rng.randint(800, 4200),
                    "name": name,
                    "type": "application/json",
                }
        elif needed or entry.get("secret"):
            values[key] = _fake_value(rng, entry)
    return values, attachments


def seed(store: Store, world) -> None:
    rng = random.Random(20240611)
    plugins_by_name = {p["name"]: p for p in store.all("plugin")}
    people = [
        {"first_name": world.user["first_name"], "email": world.user["email"]},
        {"first_name": "Priya", "email": "priya@hedgehog.example"},
        {"first_name": "Jonas", "email": "jonas@hedgehog.example"},
    ]
    logs: list[dict] = []
    for project, rows in zip(world.projects, PROJECT_CONFIGS, strict=False):
        order = 0
        for position, row in enumerate(rows):
            plugin, health = plugins_by_name[row["plugin"]], row["health"]
            order += 1 if position == 0 else rng.choice((1, 1, 1, 2, 5))
            values, attachments = seed_values(rng, plugin, row["config"])
            rate = RATES[health](rng) if health in RATES else None
            created = world.iso(days_ago=rng.randint(20, 200))
            if health == "failing":  # once the config's latest error: drawn so the rest stays as it was
                error_message(rng, plugin, messages=ERROR_MESSAGES[:2] + ERROR_MESSAGES[3:6])
                rng.uniform(0.2, 6)
            config = store.insert(
                KIND,
                {
                    "plugin": plugin["id"],
                    "enabled": row["enabled"],
                    "order": order,
                    "config": values,
                    "team_id": project["id"],
                    "created_at": created,
                    "updated_at": world.iso(days_ago=rng.uniform(0, 15)),
                    "name": row["name"],
                    "description": row["description"],
                    "deleted": False,
                    "_attachments": attachments,
                    "_health": health,
                    "_delivery_rate": rate,
                },
                parent=project["id"],
            )
            _seed_history(store, rng, world, config, plugin, people, created)
            logs += seed_logs(rng, world.now, config, plugin)
    store.logs_add(logs)


def _seed_history(
    store: Store, rng: random.Random, world, config: dict, plugin: dict, people: list[dict], created: str
) -> None:
    def add(activity: str, at: str, changes: list | None = None, user: dict | None = None) -> None:
        entry = context.activity_entry(
            user=user, activity=activity, name=plugin["name"], changes=changes, created_at=at
        )
        store.activity_add(scope="PluginConfig", parent=config["team_id"], item_id=config["id"], entry=entry)

    add("installed", created, user=rng.choice(people))
    secrets = secret_fields(plugin)
    keys = [k for k in config["config"] if isinstance(config["config"][k], str)]
    if keys and rng.random() < 0.7:
        key = rng.choice(keys)
        # get_plugin_config_changes: a secret field's change is masked and names no field.
        change = (
            {"type": "PluginConfig", "action": "changed", "field": None, "before": SECRET_MASK, "after": SECRET_MASK}
            if key in secrets
            else {"type": "Plugin", "action": "changed", "field": key, "before": "", "after": config["config"][key]}
        )
        add("config_updated", world.iso(days_ago=rng.uniform(2, 19)), [change], user=rng.choice(people))
    if config["enabled"]:
        add("enabled", world.iso(days_ago=rng.uniform(1, 18)), user=rng.choice(people))
    else:
        add("disabled", world.iso(days_ago=rng.uniform(2, 6)), user=rng.choice(people))
    if config.get("_health") == "failing":
        rng.uniform(2, 30)  # once an "error detected" entry PostHog never logs: drawn so the rest stays as it was
