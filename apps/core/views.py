from django.contrib.auth.decorators import login_not_required, permission_required
from django.db import connection as db_connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.connections.selectors import project_get
from apps.core.navigation import AREAS_BY_SLUG
from apps.core.roles import VIEW
from apps.plugins.selectors import plugin_config_health


@permission_required(VIEW, raise_exception=True)
def home(request):
    return render(request, "core/home.html")


@require_GET
@permission_required(VIEW, raise_exception=True)
def project_summary(request):
    """The overview's live card; an upstream failure here shows as the page's error banner."""
    if not request.posthog.configured:
        raise Http404("No PostHog connection")
    project = project_get(context=request.posthog)
    return render(request, "core/home.html#project-summary", {"project": project})


@require_GET
@permission_required(VIEW, raise_exception=True)
def plugin_health(request):
    """The overview's live plugin card, refreshed by the page every few seconds."""
    if not request.posthog.configured:
        raise Http404("No PostHog connection")
    return render(request, "core/home.html#plugin-health", {"configs": plugin_config_health(context=request.posthog)})


@permission_required(VIEW, raise_exception=True)
def area_pending(request, slug: str):
    area = AREAS_BY_SLUG.get(slug)
    if area is None:
        raise Http404("No such area")
    return render(request, "core/area_pending.html", {"area": area})


@login_not_required
@require_GET
def healthz(request):
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
