"""Reads of the organization's plugins and the project's plugin configs.

Plugins and configs are handed on as PostHog's objects (the pages show many of their fields as they are); what is
computed from them (a config's row, health, last error, delivery, usage) comes as a dataclass.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from apps.audit.attribution import activity_timeline_page
from apps.connections.cached import PLUGINS, cached_read
from apps.connections.context import PostHogContext
from apps.connections.selectors import project_list
from apps.core.activity import ActivityItem, activity_items
from apps.core.outcome import Outcome
from apps.core.paging import CursorPage
from apps.core.parallel import together
from apps.posthog.actions import BY_KEY, app_url
from apps.posthog.client import api_path
from apps.posthog.errors import EndpointNotFound
from apps.posthog.log_paging import older_page_start, one_instant
from apps.posthog.paths import plugin_configs_path, plugins_path
from apps.posthog.values import moment

MAX_PLUGINS = 1000
MAX_CONFIGS = 500
# One request for a whole project's configs: PostHog's page size would otherwise cost a request per 100.
CONFIG_PAGE_SIZE = 500
LOG_PAGE_SIZE = 100
ACTIVITY_PAGE_SIZE = 20
type ConfigDetail = tuple[dict[str, Any], Outcome[Delivery], Outcome[LastError | None]]  # the config's page


@dataclass(frozen=True)
class ConfigHealth:
    id: int
    name: str
    enabled: bool
    delivery_rate: float | None
    # False where PostHog sends no delivery_rate_24h at all (newer versions dropped it): no rate is then a fact of
    # the version, not a measurement of the config.
    delivery_reported: bool = True


@dataclass(frozen=True)
class ConfigRow:
    """A plugin config as the list shows it, joined with its plugin."""

    id: int
    order: int
    name: str
    plugin_id: int | None
    plugin_name: str
    icon: str
    enabled: bool
    delivery_rate: float | None
    last_error_at: datetime | None
    last_error: str
    delivery_reported: bool = True


@dataclass(frozen=True)
class LastError:
    """A config's newest error: PostHog's own `error` where a version still reports one, else the newest ERROR
    entry of its logs (PostHog now always answers `error: null`)."""

    message: str
    at: datetime | None
    stack: str = ""
    from_logs: bool = False


@dataclass(frozen=True)
class Delivery:
    """A config's delivery rate over 24 hours: PostHog's `delivery_rate_24h`, or one computed from its app metrics,
    or none. `reported` is False where this PostHog offers neither."""

    rate: float | None
    reported: bool
    from_app_metrics: bool = False


@dataclass(frozen=True)
class PluginUsage:
    """A project of the organization where a plugin has a config."""

    project: str  # its name, else its id
    config_id: int
    config_name: str
    config_enabled: bool
    current: bool  # the project this portal is switched to


# Plugins ---------------------------------------------------------------------------------------------


def plugin_list(*, context: PostHogContext) -> list[dict[str, Any]]:
    """The organization's plugin catalogue, cached briefly (the portal's plugin writes forget it)."""
    path = plugins_path(context.organization_id)
    return cached_read(
        context=context,
        name=PLUGINS,
        read=lambda: list(context.client.paginate(path, params={"limit": 500}, max_items=MAX_PLUGINS)),
    )


def plugin_get(*, context: PostHogContext, plugin_id: int) -> dict[str, Any]:
    return context.client.get(plugins_path(context.organization_id, plugin_id))


def plugin_repository(*, context: PostHogContext) -> list[dict[str, Any]]:
    """PostHog's plugin repository: what can be installed by URL."""
    answer = context.client.get(plugins_path(context.organization_id, "repository"))
    return [entry for entry in answer if isinstance(entry, dict)] if isinstance(answer, list) else []


def plugin_source_get(*, context: PostHogContext, plugin_id: int) -> dict[str, str]:
    """{file name: content} of a plugin's source."""
    return context.client.get(plugins_path(context.organization_id, plugin_id, "source")) or {}


def plugin_activity_page(*, context: PostHogContext, page: int = 1) -> CursorPage[dict[str, Any], int]:
    return _activity_page(context, plugins_path(context.organization_id, "activity"), page)


def plugin_timeline_page(*, context: PostHogContext, page: int = 1) -> CursorPage[ActivityItem, int]:
    """The plugins' activity (PostHog's list holds its configs' too) with the portal's writes to both, newest
    first, each change credited to the person who made it."""
    entries = plugin_activity_page(context=context, page=page)
    return _timeline(context, entries, {"plugins": None, "plugin_configs": None}, page)


def plugin_usage(*, context: PostHogContext, plugin_id: int, project_ids: Sequence[str] = ()) -> list[PluginUsage]:
    """The projects of the organization where this plugin has a config, one row per config. `project_ids`: those the
    asking page read, whose configs are read beside the projects' names (cached) in one round trip, not after them."""
    ids = list(project_ids) or [project_id for project_id, _ in project_list(context=context)]
    configs = {f"configs {project_id}": partial(_configs, context, project_id) for project_id in ids}
    read = together(projects=partial(project_list, context=context), **configs)
    return [
        PluginUsage(
            project=str(name or project_id),
            config_id=config["id"],
            config_name=config_name(config),
            config_enabled=bool(config.get("enabled")),
            current=str(project_id) == str(context.project_id),
        )
        for project_id, name in read.value("projects")
        if project_id in ids
        for config in read.value(f"configs {project_id}")
        if config.get("plugin") == plugin_id
    ]


# Plugin configs --------------------------------------------------------------------------------------


def _configs(context: PostHogContext, project_id: str | int) -> list[dict[str, Any]]:
    path = plugin_configs_path(project_id)
    return list(context.client.paginate(path, params={"limit": CONFIG_PAGE_SIZE}, max_items=MAX_CONFIGS))


def plugin_config_list(*, context: PostHogContext) -> list[dict[str, Any]]:
    return _configs(context, context.project_id)


def plugin_config_ids_by_plugin(*, context: PostHogContext) -> dict[int, int]:
    """{plugin id: id of its first config in this project}: which plugins the project already uses (a disabled
    config counts, so "Add to this project" is offered only where there is none)."""
    found: dict[int, int] = {}
    for config in plugin_config_list(context=context):
        plugin, config_id = config.get("plugin"), config.get("id")
        if isinstance(plugin, int) and isinstance(config_id, int):
            found.setdefault(plugin, config_id)
    return found


def plugin_config_next_order(*, context: PostHogContext) -> int:
    """The position after the project's last config: where a new config joins the pipeline."""
    configs = plugin_config_list(context=context)
    return max((config.get("order") or 0 for config in configs), default=0) + 1


def plugin_config_rows(*, context: PostHogContext) -> list[ConfigRow]:
    """The project's configs in pipeline order, named and iconed from one plugin list read beside them."""
    reads = together(configs=lambda: plugin_config_list(context=context), plugins=lambda: plugin_list(context=context))
    configs = reads.value("configs")
    plugins = {plugin["id"]: plugin for plugin in reads.value("plugins")} if configs else {}
    rows = [config_row_of(config, plugins.get(config.get("plugin"), {})) for config in configs]
    return sorted(rows, key=lambda row: (not row.enabled, row.order, row.id))


def config_row_of(config: dict[str, Any], plugin: dict[str, Any] | None = None) -> ConfigRow:
    """One config as the list shows it; without its plugin (a write's answer alone), named from the config."""
    plugin = plugin or {}
    error = _object(config.get("error"))
    return ConfigRow(
        id=config["id"],
        order=config.get("order") or 0,
        name=config_name(config, plugin),
        plugin_id=config.get("plugin"),
        plugin_name=plugin.get("name") or "",
        icon=plugin.get("icon") or "",
        enabled=bool(config.get("enabled")),
        delivery_rate=delivery_rate(config.get("delivery_rate_24h")),
        last_error_at=moment(error.get("time")),
        last_error=str(error.get("message") or ""),
        delivery_reported=delivery_reported(config),
    )


def plugin_config_health(*, context: PostHogContext) -> list[ConfigHealth]:
    """Enabled configs, worst delivery rate first; configs without metrics last."""
    rows = [
        ConfigHealth(
            id=config["id"],
            name=config_name(config),
            enabled=bool(config.get("enabled")),
            delivery_rate=delivery_rate(config.get("delivery_rate_24h")),
            delivery_reported=delivery_reported(config),
        )
        for config in plugin_config_list(context=context)
        if config.get("enabled")
    ]
    return sorted(rows, key=lambda row: (row.delivery_rate is None, row.delivery_rate or 0.0, row.name.lower()))


def plugin_config_get(*, context: PostHogContext, config_id: int) -> dict[str, Any]:
    """One config, with its plugin in `plugin_info` (lists leave that out)."""
    return context.client.get(plugin_configs_path(context.project_id, config_id))


def config_plugin(config: dict[str, Any]) -> dict[str, Any]:
    """The plugin a config's `plugin_info` holds ({} where PostHog left it out)."""
    return _object(config.get("plugin_info"))


def plugin_config_detail(*, context: PostHogContext, config_id: int) -> ConfigDetail:
    """The config, its delivery and last error in one round trip: app metrics and the newest ERROR entry are read
    beside the config and used where it lacks a rate or an error (as today's PostHog always does)."""
    reads = together(
        config=partial(plugin_config_get, context=context, config_id=config_id),
        metrics=partial(plugin_config_delivery, context=context, config={"id": config_id}),  # no rate: app metrics
        errors=partial(plugin_config_log_page, context=context, config_id=config_id, types=["ERROR"], limit=1),
    )
    config = reads.value("config")
    reported = Outcome(value=Delivery(rate=delivery_rate(config.get("delivery_rate_24h")), reported=True))
    last_error = Outcome(value=own) if (own := _own_last_error(config)) else _logged_error(reads["errors"])
    return config, reported if delivery_reported(config) else reads["metrics"], last_error


def _own_last_error(config: dict[str, Any]) -> LastError | None:
    error = config.get("error")
    if isinstance(error, dict) and (error.get("message") or error.get("time")):
        return LastError(str(error.get("message") or ""), moment(error.get("time")), str(error.get("stack") or ""))
    return LastError(message=error, at=None) if isinstance(error, str) and error else None


def _logged_error(logged: Outcome[CursorPage[dict[str, Any], datetime]]) -> Outcome[LastError | None]:
    if logged.value is None or not logged.value.items:
        return Outcome(error=logged.error)  # failed, or no ERROR entry: no last error
    entry = logged.value.items[0]
    return Outcome(value=LastError(str(entry.get("message") or ""), moment(entry.get("timestamp")), from_logs=True))


def plugin_config_delivery(*, context: PostHogContext, config: dict[str, Any]) -> Delivery:
    """The rate PostHog reports, else one computed from app metrics where this PostHog offers them (older versions
    routed posthog/api/app_metrics.py; the newest do not), else none."""
    if delivery_reported(config):
        return Delivery(rate=delivery_rate(config.get("delivery_rate_24h")), reported=True)
    if context.unavailable.app_metrics is not None:
        return Delivery(rate=None, reported=False)
    try:
        answer = context.client.get(
            api_path("projects", context.project_id, "app_metrics", config["id"]), params={"date_from": "-24h"}
        )
    except EndpointNotFound:
        return Delivery(rate=None, reported=False)
    totals = answer.get("metrics", {}).get("totals") if isinstance(answer, dict) else None
    return Delivery(rate=rate_from_totals(totals), reported=True, from_app_metrics=True)


def rate_from_totals(totals: Any) -> float | None:
    """PostHog's delivery rate from app metrics totals: (successes + successes_on_retry) / (that + failures); None
    when nothing was delivered or failed (no metrics is not a rate)."""
    if not isinstance(totals, dict):
        return None
    try:
        delivered = int(totals.get("successes") or 0) + int(totals.get("successes_on_retry") or 0)
        failed = int(totals.get("failures") or 0)
    except (TypeError, ValueError):
        return None
    return None if delivered + failed == 0 else delivered / (delivered + failed)


def plugin_config_activity_page(
    *, context: PostHogContext, config_id: int, page: int = 1
) -> CursorPage[dict[str, Any], int]:
    return _activity_page(context, plugin_configs_path(context.project_id, config_id, "activity"), page)


def plugin_config_timeline_page(
    *, context: PostHogContext, config_id: int, page: int = 1
) -> CursorPage[ActivityItem, int]:
    """The config's activity and the portal's writes to it as one timeline, newest first, each change credited to
    the person who made it."""
    entries = plugin_config_activity_page(context=context, config_id=config_id, page=page)
    return _timeline(context, entries, {"plugin_configs": str(config_id)}, page)


def _timeline(
    context: PostHogContext, entries: CursorPage[dict[str, Any], int], areas: dict[str, str | None], number: int
) -> CursorPage[ActivityItem, int]:
    connection_id = context.connection.pk if context.connection else None
    page = CursorPage(items=activity_items(entries.items), next=entries.next)
    return activity_timeline_page(connection_id=connection_id, areas=areas, page=page, number=number)


def plugin_config_frontend_get(*, context: PostHogContext, config_id: int) -> str:
    """The config's frontend as PostHog serves it: JavaScript text."""
    return context.client.get_text(plugin_configs_path(context.project_id, config_id, "frontend"))


def plugin_config_log_page(
    *,
    context: PostHogContext,
    config_id: int,
    types: list[str] | None = None,
    search: str = "",
    after: datetime | None = None,
    before: datetime | None = None,
    limit: int = LOG_PAGE_SIZE,
) -> CursorPage[dict[str, Any], datetime]:
    """Log entries newest first; `after`/`before` (exclusive), `search` and `type_filter` are filtered by PostHog.

    Older pages are asked for by time, never by offset: older PostHog fetches only `limit` rows and pages that
    short list (posthog/api/plugin_log_entry.py), so `next` is always null there and any offset answers nothing.
    The page's `next` is where the next older page starts (ask again with before=it); None: there are none."""
    params: dict[str, Any] = {"limit": limit}
    if types:
        params["type_filter"] = types
    if search:
        params["search"] = search
    if after:
        params["after"] = after.isoformat()
    if before:
        params["before"] = before.isoformat()
    answer = _object(context.client.get(plugin_configs_path(context.project_id, config_id, "logs"), params=params))
    items = [entry for entry in answer.get("results") or [] if isinstance(entry, dict)]
    if len(items) < limit and not answer.get("next"):
        return CursorPage(items=items, next=None)
    start = older_page_start(items)
    if start is not None and one_instant(items):
        # A whole page of one instant: going on from before it skips the rest of that instant, as PostHog's own
        # logs view would (the log poller widens its page instead, and loses none).
        start -= timedelta(microseconds=1)
    return CursorPage(items=items, next=start)


# Shared ----------------------------------------------------------------------------------------------


def config_name(config: dict[str, Any], plugin: dict[str, Any] | None = None) -> str:
    info = plugin or config.get("plugin_info")
    plugin_name = info.get("name") if isinstance(info, dict) else None
    return config.get("name") or plugin_name or f"Plugin config {config['id']}"


def _activity_page(context: PostHogContext, path: str, page: int) -> CursorPage[dict[str, Any], int]:
    """A page of PostHog's activity log, which it pages by number: `next` is the following page's number."""
    answer = _object(context.client.get(path, params={"page": page, "limit": ACTIVITY_PAGE_SIZE}))
    return CursorPage(items=answer.get("results", []), next=page + 1 if answer.get("next") else None)


def _object(value: Any) -> dict[str, Any]:
    """A JSON object PostHog sent, or {} where it sent something else (null, a string)."""
    return value if isinstance(value, dict) else {}


def delivery_reported(config: dict[str, Any]) -> bool:
    """Whether PostHog sends a delivery rate for configs at all: older versions compute `delivery_rate_24h` for
    list and retrieve (null when a config has no metrics); the newest drop the field."""
    return "delivery_rate_24h" in config


def delivery_rate(value: Any) -> float | None:
    """`delivery_rate_24h` as a float 0..1, or None when PostHog has no metrics for the config."""
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def destinations_app_url(*, context: PostHogContext) -> str:
    """Where PostHog's app lists the project's hog functions (destinations): where a migrated or newly made one is."""
    host = context.connection.host if context.connection else ""
    return app_url(host=host, action=BY_KEY["hog_functions"], project_id=context.project_id)
