"""The overview: the home page and its two live cards."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.connections.request import PortalRequest
from apps.connections.selectors import project_get
from apps.core.roles import VIEW
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
    return render(request, "overview/home.html")


@_live_card
def project_summary(request: PortalRequest) -> HttpResponse:
    """The overview's live card; an upstream failure here shows as the page's error banner."""
    project = project_get(context=request.posthog)
    return render(request, "overview/home.html#project-summary", {"project": project})


@_live_card
def plugin_health(request: PortalRequest) -> HttpResponse:
    """The overview's live plugin card, refreshed by the page every few seconds."""
    configs = plugin_config_health(context=request.posthog)
    return render(request, "overview/home.html#plugin-health", {"configs": configs})
