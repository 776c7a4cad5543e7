"""The audit trail: every write through the portal, in the signed-in person's name, merged with PostHog's activity.

The pages read only the portal's own database, so they work whichever connection is picked, and with none.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from apps.connections.request import PortalRequest
from apps.core.htmx import render_fragment_or_page, wants_fragment
from apps.core.roles import VIEW
from apps.core.sorting import sort_headers, sort_order
from apps.trail.export import csv_filename, csv_lines
from apps.trail.forms import AuditFilterForm, ObjectHistoryForm
from apps.trail.presenters import DEFAULT_SORT, SORT_COLUMNS, area_noun, object_url
from apps.trail.selectors.choices import audit_filter_choices
from apps.trail.selectors.entries import activity_entry_detail, audit_event_detail
from apps.trail.selectors.object_history import object_history_page, object_name_latest
from apps.trail.selectors.rows import PORTAL, POSTHOG, EntryDetail, EventDetail
from apps.trail.selectors.trail import audit_trail_page, audit_trail_stream

PAGE_SIZE = 50
HISTORY_PAGE_SIZE = 20


@require_GET
@permission_required(VIEW, raise_exception=True)
def trail(request: PortalRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET, choices=audit_filter_choices())
    order = sort_order(request.GET, columns=SORT_COLUMNS, default=DEFAULT_SORT)
    kept = order.params if order != DEFAULT_SORT else {}  # the order the next page and the filters keep
    context: dict[str, object] = {
        "form": form,
        "retention_days": settings.AUDIT_RETENTION_DAYS,
        "oldest_first": not order.descending,
        "sort_kept": kept,
    }
    if form.is_valid():
        page = audit_trail_page(
            filters=form.filters(),
            cursor=form.cleaned_data["cursor"],
            limit=PAGE_SIZE,
            oldest_first=not order.descending,
        )
        context.update(
            rows=page.items,
            older_url=f"?{form.query(cursor=page.next, **kept)}" if page.next else "",
            newest_url=f"?{form.query(**kept)}" if form.cleaned_data["cursor"] else "",
            csv_url=f"{reverse('trail:export')}?{form.query()}",
            columns=sort_headers(order, columns=SORT_COLUMNS, query=form.query()),
        )
    return render(request, "trail/list.html", context)


@require_GET
@permission_required(VIEW, raise_exception=True)
def trail_csv(request: PortalRequest) -> HttpResponseBase:
    """Every row of the current filters, streamed as both sources are read in chunks: never all in memory."""
    form = AuditFilterForm(request.GET, choices=audit_filter_choices())
    if not form.is_valid():
        return HttpResponseBadRequest("These filters are not valid; go back to the audit trail and fix them.")
    filters = form.filters()
    response = StreamingHttpResponse(
        csv_lines(audit_trail_stream(filters=filters)), content_type="text/csv; charset=utf-8"
    )
    filename = csv_filename(after=filters.after, before=filters.before)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@permission_required(VIEW, raise_exception=True)
def entry_detail(request: PortalRequest, source: str, entry_id: int) -> HttpResponse:
    """One change: a portal write's before and after, field by field, or a PostHog entry's recorded changes."""
    detail: EventDetail | EntryDetail | None
    if source == PORTAL:
        detail, template = audit_event_detail(event_id=entry_id), "trail/event_detail.html"
    elif source == POSTHOG:
        detail, template = activity_entry_detail(snapshot_id=entry_id), "trail/entry_detail.html"
    else:
        raise Http404("No such source of audit entries")
    if detail is None:
        raise Http404("No such audit entry")
    return render(request, template, {"detail": detail})


@require_GET
@permission_required(VIEW, raise_exception=True)
def object_history(request: PortalRequest) -> HttpResponse:
    """One object's timeline (`?area=plugins&object=4`): a fragment for a detail page's history tab, else a page."""
    form = ObjectHistoryForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest("Name the area and object whose history to show (?area=…&object=…).")
    area, object_id = form.cleaned_data["area"], form.cleaned_data["object"]
    cursor = form.cleaned_data["cursor"]
    page = object_history_page(area=area, object_id=object_id, cursor=cursor, limit=HISTORY_PAGE_SIZE)
    about = {"area": area, "object": object_id}
    older = page.next
    context = {
        "items": page.items,
        "area_noun": area_noun(area),
        "object_id": object_id,
        "object_name": "" if wants_fragment(request) else object_name_latest(area=area, object_id=object_id),
        "object_url": object_url(area=area, object_id=object_id),
        "first_page": cursor is None,
        "older_url": f"{request.path}?{urlencode({**about, 'cursor': older})}" if older else "",
        "older_id": f"history-older-{older.source}-{older.id}" if older else "",
        "trail_url": f"{reverse('trail:list')}?{urlencode(about)}",
    }
    return render_fragment_or_page(request, "trail/object_history.html", context, fragment="timeline")
