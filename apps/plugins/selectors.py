"""Reads of plugins and plugin configs from PostHog."""

from dataclasses import dataclass

from apps.connections.context import PostHogContext
from apps.posthog.client import api_path

MAX_CONFIGS = 500


@dataclass(frozen=True)
class ConfigHealth:
    id: int
    name: str
    enabled: bool
    delivery_rate: float | None


def plugin_config_list(*, context: PostHogContext) -> list[dict]:
    return list(
        context.client.paginate(api_path("projects", context.project_id, "plugin_configs"), max_items=MAX_CONFIGS)
    )


def plugin_config_health(*, context: PostHogContext) -> list[ConfigHealth]:
    """Enabled configs, worst delivery rate first; configs without metrics last."""
    rows = [
        ConfigHealth(
            id=config["id"],
            name=_config_name(config),
            enabled=bool(config.get("enabled")),
            delivery_rate=_rate(config.get("delivery_rate_24h")),
        )
        for config in plugin_config_list(context=context)
        if config.get("enabled")
    ]
    return sorted(rows, key=lambda row: (row.delivery_rate is None, row.delivery_rate or 0.0, row.name.lower()))


def _config_name(config: dict) -> str:
    info = config.get("plugin_info")
    plugin_name = info.get("name") if isinstance(info, dict) else None
    return config.get("name") or plugin_name or f"Plugin config {config['id']}"


def _rate(value) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None
