"""The command palette's search: the portal's pages, and the objects of every area found by name.

Each area is one read (PostHog's own `search=` where its list takes one and the area's selector passes it on; the
area's list matched here where it does not), all issued at once with `together`: one area failing shows its
message in its group while the others still show. Pages and the audit trail are the portal's own and cost PostHog
nothing; an empty query reads no area at all.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from apps.annotations.selectors import annotation_page
from apps.cohorts.selectors import cohort_page
from apps.connections.context import PostHogContext
from apps.core.navigation import AREAS
from apps.core.parallel import attempt_all, together
from apps.file_system.selectors import file_system_search
from apps.groups.links import group_url
from apps.groups.selectors import group_page, group_type_list
from apps.hog_functions.selectors.functions import hog_function_list
from apps.plugins.selectors import plugin_config_rows, plugin_list
from apps.posthog.errors import EndpointNotFound
from apps.trail.selectors.rows import PORTAL, TrailFilters
from apps.trail.selectors.trail import audit_trail_page

# What each area shows at most: the palette is for jumping; past that, a link to the area's own list filtered alike.
PER_AREA = 5
# Longer queries are cut: no name in PostHog or the portal is searched usefully past this.
MAX_QUERY = 200
ANNOTATION_LABEL = 80
# Pages shown for a query (for none, all of them), and the query length from which what a page is for is searched.
MAX_PAGES = 8
SUMMARY_MATCH = 3


@dataclass(frozen=True)
class Hit:
    label: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class HitGroup:
    """One area's results, or why it could not be searched (`error`, PostHog's failure in words)."""

    area: str
    hits: list[Hit] = field(default_factory=list)
    error: str = ""
    more_url: str = ""  # the area's own list, filtered alike, when it found more than the palette shows
    more: bool = False


def palette_query(text: str | None) -> str:
    return " ".join((text or "").split())[:MAX_QUERY]


def palette_pages(*, query: str, permissions: set[str]) -> HitGroup:
    """The navigation's pages the person may open (all of them for no query), matched by name or section, and by
    what the page is for once the query is a word long enough not to match every summary; names that start with
    the query first."""
    pages = [(Hit("Home", reverse("home"), "Overview"), "What needs attention across areas")]
    for area in AREAS:
        if area.url_name and (area.permission is None or area.permission in permissions):
            pages.append((Hit(area.label, reverse(area.url_name), area.section), area.summary))
    pages.append((Hit("Your account", reverse("people:account"), "You"), "Password, time zone, two-factor sign-in"))
    wordy = len(query) >= SUMMARY_MATCH
    found = [page for page, summary in pages if _matches(query, page.label, page.detail, summary if wordy else "")]
    found.sort(key=lambda page: not page.label.casefold().startswith(query.casefold()))
    return HitGroup("Pages", found if not query else found[:MAX_PAGES])


def palette_search(*, context: PostHogContext, query: str) -> list[HitGroup]:
    """Every area's matches for a non-empty query, in the navigation's order; areas without a match are left out,
    as is an area this PostHog does not have (hog functions on an older one)."""
    reads: dict[str, Callable[[], HitGroup]] = {}
    if context.configured:
        reads |= {
            "Plugins": partial(_plugins, context, query),
            "Plugin configs": partial(_plugin_configs, context, query),
            "Hog functions": partial(_hog_functions, context, query),
            "Groups": partial(_groups, context, query),
            "Cohorts": partial(_cohorts, context, query),
            "Annotations": partial(_annotations, context, query),
            "File system": partial(_file_system, context, query),
        }
    reads["Audit trail"] = partial(_audit, query)
    found = together(**reads)
    groups = []
    for area, outcome in found.outcomes.items():
        if isinstance(outcome.error, EndpointNotFound):
            continue
        if outcome.error is not None:
            groups.append(HitGroup(area, error=f"Couldn't search {area.lower()}: {outcome.error.user_message}"))
        elif outcome.value is not None and outcome.value.hits:
            groups.append(outcome.value)
    return groups


def _plugins(context: PostHogContext, query: str) -> HitGroup:
    # PostHog's plugin list takes no search; the catalogue is cached (the plugins page reads the same).
    found = [plugin for plugin in plugin_list(context=context) if _matches(query, str(plugin.get("name") or ""))]
    hits = [
        Hit(str(plugin.get("name") or f"Plugin {plugin['id']}"), reverse("plugins:detail", args=[plugin["id"]]))
        for plugin in found
        if isinstance(plugin.get("id"), int)
    ]
    return _group("Plugins", hits, more_url=_with_query("plugins:list", q=query))


def _plugin_configs(context: PostHogContext, query: str) -> HitGroup:
    # Neither does the config list: one read of the project's configs, matched by their name or their plugin's.
    rows = [row for row in plugin_config_rows(context=context) if _matches(query, row.name, row.plugin_name)]
    hits = [
        Hit(row.name, reverse("plugins:config_detail", args=[row.id]), "Enabled" if row.enabled else "Disabled")
        for row in rows
    ]
    return _group("Plugin configs", hits)


def _hog_functions(context: PostHogContext, query: str) -> HitGroup:
    functions = [function for function in hog_function_list(context=context) if _matches(query, function.label)]
    hits = [
        Hit(
            function.label,
            reverse("hog_functions:detail", args=[function.id]),
            f"{function.type.replace('_', ' ').capitalize()} · {'enabled' if function.enabled else 'disabled'}",
        )
        for function in functions
    ]
    return _group("Hog functions", hits)


def _groups(context: PostHogContext, query: str) -> HitGroup:
    """PostHog searches one group type at a time: every type of the project is asked at once."""
    types = group_type_list(context=context)
    pages = attempt_all([partial(group_page, context=context, group_type_index=t.index, search=query) for t in types])
    hits = []
    for group_type, page in zip(types, pages, strict=True):
        if page.error is not None:
            raise page.error
        for group in page.value.items if page.value is not None else []:
            name = str(group.properties.get("name") or group.key)
            url = group_url("groups:detail", type_index=group_type.index, key=group.key)
            hits.append(Hit(name, url, group_type.singular.capitalize()))
    return _group("Groups", hits, more_url=_with_query("groups:list", q=query))


def _cohorts(context: PostHogContext, query: str) -> HitGroup:
    cohorts = cohort_page(context=context, search=query).items
    hits = [Hit(cohort.name, reverse("cohorts:detail", args=[cohort.id]), cohort.kind) for cohort in cohorts]
    return _group("Cohorts", hits, more_url=_with_query("cohorts:list", q=query))


def _annotations(context: PostHogContext, query: str) -> HitGroup:
    hits = [
        Hit(
            _short(annotation.content) or f"Annotation {annotation.id}",
            reverse("annotations:detail", args=[annotation.id]),
            annotation.scope_label + (f" · {annotation.at:%Y-%m-%d}" if annotation.at else ""),
        )
        for annotation in annotation_page(context=context, search=query).items
    ]
    return _group("Annotations", hits, more_url=_with_query("annotations:list", search=query))


def _file_system(context: PostHogContext, query: str) -> HitGroup:
    hits = []
    for item in file_system_search(context=context, query=query).items:
        if item.is_folder:
            url = _with_query("file_system:browse", path=item.path)
        else:
            url = reverse("file_system:item", args=[item.id])
        hits.append(Hit(item.name, url, f"{item.type_label} · {item.path}"))
    return _group("File system", hits, more_url=_with_query("file_system:browse", q=query))


def _audit(query: str) -> HitGroup:
    """The portal's own writes, found as the audit page's search finds them (a database read, not PostHog)."""
    page = audit_trail_page(filters=TrailFilters(search=query, source=PORTAL), limit=PER_AREA + 1)
    hits = [
        Hit(
            row.text, reverse("trail:detail", args=[row.source, row.id]), f"{timezone.localtime(row.at):%Y-%m-%d %H:%M}"
        )
        for row in page.items
    ]
    return _group("Audit trail", hits, more_url=_with_query("trail:list", search=query, source=PORTAL))


def _group(area: str, hits: Iterable[Hit], *, more_url: str = "") -> HitGroup:
    """The first PER_AREA hits; the link to the area's own list only when there are more than those."""
    found = list(hits)
    more = len(found) > PER_AREA
    return HitGroup(area, found[:PER_AREA], more_url=more_url if more else "", more=more)


def _matches(query: str, *texts: str) -> bool:
    """Every word of the query appears in one of the texts, whatever its case."""
    haystack = " ".join(texts).casefold()
    return all(word in haystack for word in query.casefold().split())


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= ANNOTATION_LABEL else line[: ANNOTATION_LABEL - 1] + "…"


def _with_query(url_name: str, **query: Any) -> str:
    return f"{reverse(url_name)}?{urlencode(query)}"
