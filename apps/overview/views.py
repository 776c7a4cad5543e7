"""The overview: the home page and its two live cards."""

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.connections.selectors import project_get
from apps.core.roles import VIEW
from apps.plugins.selectors import plugin_config_health


@permission_required(VIEW, raise_exception=True)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "overview/home.html")


@require_GET
@permission_required(VIEW, raise_exception=True)
def project_summary(request: HttpRequest) -> HttpResponse:
    """The overview's live card; an upstream failure here shows as the page's error banner."""
    if not request.posthog.configured:
        raise Http404("No PostHog connection")
    project = project_get(context=request.posthog)
    return render(request, "overview/home.html#project-summary", {"project": project})


@require_GET
@permission_required(VIEW, raise_exception=True)
def plugin_health(request: HttpRequest) -> HttpResponse:
    """The overview's live plugin card, refreshed by the page every few seconds."""
    if not request.posthog.configured:
        raise Http404("No PostHog connection")
    configs = plugin_config_health(context=request.posthog)
    return render(request, "overview/home.html#plugin-health", {"configs": configs})
