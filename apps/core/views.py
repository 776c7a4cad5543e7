"""Pages that belong to no area: an area not yet built, the health check, and the page for a request the portal
cannot read."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import connection as db_connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
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


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: a request Django cannot read, e.g. a body over DATA_UPLOAD_MAX_MEMORY_SIZE, answered with a
    page a person can read (413 for too much, so htmx's toast says so too). Rendered without the request's
    context: the request is broken, and the page needs neither the person nor PostHog."""
    too_big = isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent)
    limit = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024):g} MB"
    html = render_to_string("400.html", {"too_big": too_big, "limit": limit})
    return HttpResponse(html, status=413 if too_big else 400)
