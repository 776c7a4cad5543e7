"""The overview: the home page, which answers "what is broken and why" first, and its live cards."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.connections.request import PortalRequest
from apps.connections.selectors import project_get
from apps.core.htmx import render_fragment_or_page
from apps.core.roles import VIEW
from apps.history.presenters import health as health_presenters
from apps.history.selectors.health import health_list, health_polling_span
from apps.history.selectors.projects import history_projects
from apps.overview.selectors.palette import palette_pages, palette_query, palette_search
from apps.plugins.selectors import plugin_config_health

type Card = Callable[[PortalRequest], HttpResponse]


def _live_card(view: Card) -> Card:
    """A card the home page loads (and refreshes) by itself: a GET for viewers, about the connected PostHog; with
    no connection there is nothing to show, and the page shows no card."""

    @wraps(view)
    def card(request: PortalRequest) -> HttpResponse:
        if not request.posthog.configured:
            raise Http404("No PostHog connection")
        return view(request)

    return require_GET(permission_required(VIEW, raise_exception=True)(card))


@permission_required(VIEW, raise_exception=True)
def home(request: PortalRequest) -> HttpResponse:
    context = _health(request) if request.posthog.configured else {}
    return render(request, "overview/home.html", context)


@_live_card
def health_summary(request: PortalRequest) -> HttpResponse:
    """The home page's health section alone, for its refresh: read from what the pollers kept, never PostHog."""
    return render(request, "overview/home.html#health", _health(request))


@_live_card
def project_summary(request: PortalRequest) -> HttpResponse:
    """The overview's live card; an upstream failure here shows as the page's error banner."""
    project = project_get(context=request.posthog)
    return render(request, "overview/home.html#project-summary", {"project": project})


@_live_card
def plugin_health(request: PortalRequest) -> HttpResponse:
    """PostHog's own delivery rates of the enabled configs, as it reports them now (the verdicts above weigh errors
    and freshness too)."""
    configs = plugin_config_health(context=request.posthog)
    return render(request, "overview/home.html#plugin-health", {"configs": configs})


@require_GET
@permission_required(VIEW, raise_exception=True)
def search(request: PortalRequest) -> HttpResponse:
    """The command palette's results (htmx swaps them in as one types), or the same as a page without JavaScript.
    No query reads no area: the pages alone."""
    query = palette_query(request.GET.get("q"))
    pages = palette_pages(query=query, permissions=request.user.get_all_permissions())
    groups = palette_search(context=request.posthog, query=query) if query else []
    context = {"query": query, "groups": [pages, *groups] if pages.hits else groups}
    return render_fragment_or_page(request, "overview/search.html", context, fragment="results")


def _health(request: PortalRequest) -> dict[str, Any]:
    """Counts by verdict and the worst items of every watched project of the connection."""
    connection = request.posthog.connection
    if connection is None:  # configured: the middleware found one
        return {}
    projects = history_projects(connection=connection)
    rows = health_presenters.health_rows(
        health_list(connection_id=connection.pk, project_id=None, now=timezone.now()),
        projects=projects if len(projects) > 1 else None,
    )
    return {
        "health_counts": health_presenters.health_counts(rows),
        "worst": health_presenters.worst_rows(rows),
        "health_total": len(rows),
        "polling": health_polling_span(connection_id=connection.pk),
    }
