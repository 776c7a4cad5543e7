"""Pages that belong to no area: an area not yet built, and the health check."""

from django.contrib.auth.decorators import login_not_required, permission_required
from django.db import connection as db_connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.core.navigation import AREAS_BY_SLUG
from apps.core.roles import VIEW


@permission_required(VIEW, raise_exception=True)
def area_pending(request: HttpRequest, slug: str) -> HttpResponse:
    area = AREAS_BY_SLUG.get(slug)
    if area is None:
        raise Http404("No such area")
    return render(request, "core/area_pending.html", {"area": area})


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
