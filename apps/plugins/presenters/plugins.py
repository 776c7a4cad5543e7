"""What the plugin pages show of a plugin PostHog answered: its card, jobs, capabilities, and the searches."""

import unicodedata
from dataclasses import dataclass
from typing import Any

PLUGIN_TYPES = ("local", "custom", "repository", "source")


@dataclass(frozen=True)
class PluginCard:
    """A plugin as every plugin page heads it, and as the list shows it."""

    id: int
    name: str
    description: str
    plugin_type: str
    tag: str
    latest_tag: str
    is_global: bool
    icon: str
    update_available: bool


@dataclass(frozen=True)
class JobField:
    name: str
    type: str
    required: bool
    default: Any


@dataclass(frozen=True)
class PublicJob:
    name: str
    fields: list[JobField]


@dataclass(frozen=True)
class RepositoryEntry:
    """A plugin of PostHog's repository, and whether one from its URL is installed here."""

    name: str
    url: str
    description: str
    maintainer: str
    type: str
    icon: str
    installed: bool


def web_link(url: Any) -> str:
    """Only http(s) addresses become links or images: PostHog's text could name any scheme."""
    return url if isinstance(url, str) and url.lower().startswith(("https://", "http://")) else ""


def _text(item: dict[str, Any], key: str) -> str:
    return str(item.get(key) or "")


def plugin_card(plugin: dict[str, Any]) -> PluginCard:
    return PluginCard(
        id=plugin["id"],
        name=_text(plugin, "name") or f"Plugin {plugin['id']}",
        description=_text(plugin, "description"),
        plugin_type=_text(plugin, "plugin_type"),
        tag=_text(plugin, "tag"),
        latest_tag=_text(plugin, "latest_tag"),
        is_global=bool(plugin.get("is_global")),
        icon=web_link(plugin.get("icon")),
        # PostHog's own test: a newer tag upstream than the installed one.
        update_available=bool(plugin.get("latest_tag")) and plugin.get("tag") != plugin.get("latest_tag"),
    )


def matches(item: dict[str, Any], query: str) -> bool:
    """The search boxes look in names and descriptions, ignoring case."""
    needle = query.casefold()
    return needle in _text(item, "name").casefold() or needle in _text(item, "description").casefold()


def plugin_cards(plugins: list[dict[str, Any]], *, query: str, plugin_type: str) -> list[PluginCard]:
    """The plugins the list's search and type filter let through, by name."""
    shown = [
        plugin_card(plugin)
        for plugin in plugins
        if (not plugin_type or plugin.get("plugin_type") == plugin_type) and matches(plugin, query)
    ]
    return sorted(shown, key=lambda card: card.name.casefold())


def alphabetical(plugins: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # "Über" sorts with the U's, not after Z.
    return sorted(plugins, key=lambda plugin: unicodedata.normalize("NFKD", _text(plugin, "name")).casefold())


def repository_entries(
    *, installed: list[dict[str, Any]], repository: list[dict[str, Any]], query: str
) -> list[RepositoryEntry]:
    """PostHog's repository, narrowed by the search, each marked whether a plugin from its URL is installed."""
    installed_urls = {_text(plugin, "url").rstrip("/").lower() for plugin in installed}
    return [
        RepositoryEntry(
            name=_text(entry, "name"),
            url=_text(entry, "url"),
            description=_text(entry, "description"),
            maintainer=_text(entry, "maintainer"),
            type=_text(entry, "type"),
            icon=web_link(entry.get("icon")),
            installed=_text(entry, "url").rstrip("/").lower() in installed_urls,
        )
        for entry in repository
        if matches(entry, query)
    ]


def plugin_jobs(public_jobs: Any) -> list[PublicJob]:
    """The jobs of PostHog's {job: {payload: {field: spec}}}, each with its payload fields."""
    if not isinstance(public_jobs, dict):
        return []
    jobs = []
    for name, job in public_jobs.items():
        payload = job.get("payload") if isinstance(job, dict) else None
        fields = [
            JobField(
                name=key, type=spec.get("type", ""), required=bool(spec.get("required")), default=spec.get("default")
            )
            for key, spec in (payload.items() if isinstance(payload, dict) else ())
            if isinstance(spec, dict)
        ]
        jobs.append(PublicJob(name=name, fields=fields))
    return jobs


def plugin_capabilities(capabilities: Any) -> list[tuple[str, list[str]]]:
    """(label, items) for the methods, jobs and scheduled tasks a plugin declares."""
    declared = capabilities if isinstance(capabilities, dict) else {}
    labels = (("methods", "Methods"), ("jobs", "Jobs"), ("scheduled_tasks", "Scheduled tasks"))
    return [(label, [str(item) for item in declared.get(key) or []]) for key, label in labels]


def plugin_metrics(metrics: Any) -> list[tuple[str, Any]]:
    return sorted(metrics.items()) if isinstance(metrics, dict) else []
