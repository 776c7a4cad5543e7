"""What a plugin config's pages show of it: its settings (secrets never), and its frontend's code."""

import json
import re
from dataclasses import dataclass
from typing import Any

from apps.plugins.schema import SECRET_MASKS, SchemaEntry, schema_entries

FRONTEND_LIMIT = 100_000
# The stub PostHog serves for a plugin without a frontend.
NO_FRONTEND = re.compile(r'"no_frontend"\s*:\s*true')


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    kind: str  # "secret" | "attachment" | "value" | "empty"
    value: str = ""
    size: int | None = None


@dataclass(frozen=True)
class Frontend:
    """The JavaScript PostHog serves for a config, cut at FRONTEND_LIMIT characters."""

    present: bool  # False: PostHog's stub for a plugin without a frontend
    source: str
    length: int

    @property
    def truncated(self) -> bool:
        return self.length > len(self.source)


def config_settings(config: dict[str, Any], plugin: dict[str, Any]) -> list[Setting]:
    """The config's values in the plugin's schema order, then any the schema does not know; secrets only as set or not."""
    held = config.get("config")
    values: dict[str, Any] = held if isinstance(held, dict) else {}
    entries = [entry for entry in schema_entries(plugin.get("config_schema")) if entry.key]
    known = {entry.key for entry in entries}
    entries += [SchemaEntry(key=key) for key in values if key not in known]
    return [_setting(entry, values.get(entry.key)) for entry in entries]


def _setting(entry: SchemaEntry, value: Any) -> Setting:
    key, label = entry.key, entry.name or entry.key
    if entry.secret or (isinstance(value, str) and value in SECRET_MASKS):
        return Setting(key, label, "secret", "set" if value not in (None, "", {}) else "not set")
    if isinstance(value, dict) and "saved" in value and "size" in value:
        size = value.get("size")
        known_size = size if isinstance(size, int) and size >= 0 else None
        return Setting(key, label, "attachment", str(value.get("name") or "attachment"), known_size)
    if value in (None, "", {}, []):
        return Setting(key, label, "empty")
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return Setting(key, label, "value", text)


def frontend(source: str) -> Frontend:
    return Frontend(
        present=bool(source.strip()) and not NO_FRONTEND.search(source),
        source=source[:FRONTEND_LIMIT],
        length=len(source),
    )
