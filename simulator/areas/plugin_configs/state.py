"""Plugin configs in the store, their answers (PluginConfigSerializer) and `State`, the area's API for tests.

A stored config holds the public fields plus internal ones the API never shows: `_attachments` ({key: {uid,
saved, size, name, type}}), `_health` (healthy/degraded/failing/None: how the living data treats it) and
`_delivery_rate` (the drifting share of events delivered over the last 24 hours, or None without metrics; the
basis of `delivery_rate_24h`, app metrics and error bursts).
"""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from simulator.areas.plugin_configs.messages import LOG_TYPES, instance_ids, log_entry, stamp
from simulator.areas.plugins.state import SECRET_MASK, plugin_view, secret_fields
from simulator.core.state import AreaState
from simulator.core.store import Store, now_iso
from simulator.profiles import Profile

KIND = "plugin_config"
# Names a test may use for internal fields in State.update.
ALIASES = {"delivery_rate": "_delivery_rate", "delivery_rate_24h": "_delivery_rate", "health": "_health"}


def config_view(
    store: Store,
    config: dict,
    profile: Profile,
    *,
    detail: bool = True,
    rates: bool = False,
    plugin: dict | None = None,
) -> dict:
    """PluginConfigSerializer. `detail`: plugin_info is the plugin (null in lists); `rates`: the answer of a list
    or retrieve, the only ones an older PostHog computes delivery_rate_24h for (null elsewhere)."""
    plugin = plugin or store.get("plugin", config["plugin"]) or {}
    secrets = secret_fields(plugin) if plugin else set()
    values = dict(config.get("config") or {})
    for key in secrets:  # get_config: secrets masked, attachments shown (secret ones without size or name)
        if values.get(key):
            values[key] = SECRET_MASK
    for key, meta in (config.get("_attachments") or {}).items():
        values[key] = (
            meta
            if key not in secrets
            else {"uid": -1, "saved": True, "size": -1, "name": SECRET_MASK, "type": "application/octet-stream"}
        )
    answer = {
        "id": config["id"],
        "plugin": config["plugin"],
        "enabled": config["enabled"],
        "order": config["order"],
        "config": values,
        # get_error: "Reporting the single latest error is no longer supported" (both versions modelled).
        "error": None,
        "team_id": config["team_id"],
        "plugin_info": plugin_view(store, plugin, profile) if detail and plugin else None,
    }
    if profile.plugin_config_delivery_rate:
        # posthog/api/plugin.py (older): context["delivery_rates_1d"], set for list and retrieve only.
        answer["delivery_rate_24h"] = config.get("_delivery_rate") if rates else None
    answer.update(
        {
            "created_at": config["created_at"],
            "updated_at": config.get("updated_at"),
            # to_representation: name and description fall back to the plugin's.
            "name": config.get("name") or plugin.get("name"),
            "description": config.get("description") or plugin.get("description"),
            "deleted": bool(config.get("deleted")),
        }
    )
    return answer


def sorted_configs(configs: list[dict]) -> list[dict]:
    """PluginConfigViewSet.safely_get_queryset: order_by("order", "plugin_id")."""
    return sorted(configs, key=lambda c: (c["order"], c["plugin"], c["id"] or 0))


class State(AreaState):
    """Plugin configs and their logs, as tests and benches see and arrange them."""

    def get(self, id: int) -> dict | None:
        """The stored config (internal fields included: `_delivery_rate`, `_health`, `_attachments`), or None."""
        return self._store.get(KIND, id)

    def all(self, project_id: int = 1, *, deleted: bool = True) -> list[dict]:
        """The project's stored configs in install order (deleted ones too unless `deleted=False`)."""
        return [c for c in self._store.all(KIND, parent=project_id) if deleted or not c.get("deleted")]

    def by_plugin_name(self, name: str, project_id: int = 1) -> dict | None:
        """The project's first config of the plugin with this name, or None."""
        plugins = {p["id"]: p for p in self._store.all("plugin") if p["name"] == name}
        return next((c for c in self.all(project_id) if c["plugin"] in plugins), None)

    def by_name(self, name: str, project_id: int = 1) -> dict | None:
        """The project's first config answered with this name (its own, else its plugin's), or None."""
        plugins = {p["id"]: p["name"] for p in self._store.all("plugin")}
        return next((c for c in self.all(project_id) if (c.get("name") or plugins.get(c["plugin"])) == name), None)

    def view(self, id: int, *, detail: bool = True) -> dict | None:
        """The config as a retrieve answers it in this profile."""
        found = self.get(id)
        return config_view(self._store, found, self._profile, detail=detail, rates=True) if found else None

    def add(self, plugin_id: int, *, project_id: int = 1, enabled: bool = True, config: dict | None = None) -> dict:
        """A config of the plugin stored as an older PostHog's create stores it, last in the pipeline, whatever the
        profile (where PostHog no longer creates configs, organizations still run the ones made before)."""
        if self._store.get("plugin", plugin_id) is None:
            raise KeyError(f"no plugin {plugin_id}")
        now = now_iso()
        order = max((c["order"] for c in self.all(project_id)), default=0) + 1
        fields = {
            "plugin": plugin_id,
            "enabled": enabled,
            "order": order,
            "team_id": project_id,
            "name": None,
        }  # a project's id is its first environment's
        fields |= {"description": None, "deleted": False, "config": config or {}, "created_at": now}
        fields |= {"updated_at": now, "_attachments": {}, "_health": None, "_delivery_rate": None}
        return self._store.insert(KIND, fields, parent=project_id)

    def update(self, id: int, **changes: Any) -> dict:
        """Changes stored fields; `delivery_rate` (or `delivery_rate_24h`) and `health` name the internal ones."""
        config = self.get(id)
        if config is None:
            raise KeyError(f"no plugin config {id}")
        changes = {ALIASES.get(name, name): value for name, value in changes.items()}
        return self._store.update(KIND, id, {**config, **changes})

    # Logs -------------------------------------------------------------------------------------------------

    def logs(
        self,
        config_id: int,
        *,
        after: datetime | str | None = None,
        before: datetime | str | None = None,
        types: list[str] | None = None,
    ) -> list[dict]:
        """Every stored entry of the config (any team's), newest first; `after` and `before` (exclusive) and
        `types` filter them."""
        return self._store.logs_query(
            plugin_config_id=config_id, after=_stamp_of(after), before=_stamp_of(before), types=types
        )

    def log_entry(
        self,
        config_id: int,
        *,
        timestamp: datetime | str,
        type: str = "INFO",
        source: str = "PLUGIN",
        message: str = "A log entry of a test",
        id: str | None = None,
        instance_id: str | None = None,
    ) -> dict:
        """One entry in PostHog's shape for the config (not stored: see `logs_add`)."""
        config = self.get(config_id)
        if config is None:
            raise KeyError(f"no plugin config {config_id}")
        if type not in LOG_TYPES:
            raise ValueError(f"unknown log type {type!r}: one of {', '.join(LOG_TYPES)}")
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00")) if isinstance(timestamp, str) else timestamp
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        instance = instance_id or instance_ids(config["team_id"])[0]
        return log_entry(config, instance, moment, source, type, message, id or str(uuid.uuid4()))

    def logs_clear(self) -> None:
        """Forgets every log entry of every config (the seeded ones included)."""
        self._store.logs_prune(older_than="9999")

    def logs_add(self, entries: list[dict]) -> None:
        """Stores entries (as reaching PostHog now, whatever their timestamps); an entry's id is stored once."""
        self._store.logs_add(entries)

    def logs_burst(
        self,
        config_id: int,
        count: int,
        *,
        start: datetime,
        spacing_ms: float = 10,
        type: str = "INFO",
        source: str = "PLUGIN",
        message: str = "Burst entry {n}",
    ) -> list[str]:
        """Stores `count` entries `spacing_ms` apart from `start` (one executemany); their ids, oldest first.
        `message` may name `{n}`, the entry's number."""
        config = self.get(config_id)
        if config is None:
            raise KeyError(f"no plugin config {config_id}")
        instance = instance_ids(config["team_id"])[0]
        if start.tzinfo is None:
            start = start.replace(tzinfo=UTC)
        entries = [
            log_entry(
                config,
                instance,
                start + timedelta(milliseconds=n * spacing_ms),
                source,
                type,
                message.format(n=n),
                str(uuid.uuid4()),
            )
            for n in range(count)
        ]
        self._store.logs_add(entries)
        return [entry["id"] for entry in entries]


def _stamp_of(moment: datetime | str | None) -> str | None:
    """A moment as stored log timestamps are written, so they compare as text."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return stamp(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
