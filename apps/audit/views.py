"""The audit trail: every write through the portal, in the signed-in person's name, merged with PostHog's activity.

The pages read only the portal's own database, so they work whichever connection is picked, and with none.
"""

import csv
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from apps.audit import selectors
from apps.audit.forms import AuditFilterForm, ObjectHistoryForm
from apps.core.csv_export import Echo, csv_safe
from apps.core.roles import VIEW

PAGE_SIZE = 50
HISTORY_PAGE_SIZE = 20
CSV_BATCH = 500  # rows sent together: a chunk per row costs more in the response than the row itself
CSV_COLUMNS = [
    "time_utc",
    "source",
    "person",
    "posthog_credits",
    "area",
    "object_id",
    "action",
    "summary",
    "outcome",
    "status",
    "error",
    "connection",
    "id",
    "portal_event_id",
]


@require_GET
@permission_required(VIEW, raise_exception=True)
def trail(request):
    form = AuditFilterForm(request.GET, choices=selectors.audit_filter_choices())
    context = {"form": form, "retention_days": settings.AUDIT_RETENTION_DAYS}
    if form.is_valid():
        rows, next_position = selectors.audit_trail_page(
            filters=form.filters(), cursor=form.cleaned_data["cursor"], limit=PAGE_SIZE
        )
        context.update(
            rows=rows,
            older_url=f"?{form.query(cursor=next_position)}" if next_position else "",
            newest_url=f"?{form.query()}" if form.cleaned_data["cursor"] else "",
            csv_url=f"{reverse('audit:export')}?{form.query()}",
        )
    return render(request, "audit/list.html", context)


@require_GET
@permission_required(VIEW, raise_exception=True)
def trail_csv(request):
    """Every row of the current filters, streamed as both sources are read in chunks: never all in memory."""
    form = AuditFilterForm(request.GET, choices=selectors.audit_filter_choices())
    if not form.is_valid():
        return HttpResponseBadRequest("These filters are not valid; go back to the audit trail and fix them.")
    filters = form.filters()
    writer = csv.writer(Echo())

    def lines():
        yield writer.writerow(CSV_COLUMNS)
        batch = []
        for row in selectors.audit_trail_stream(filters=filters):
            cells = [
                row.at.astimezone(UTC).isoformat(),
                row.source,
                row.person,
                row.posthog_user,
                row.area,
                row.object_id,
                row.action,
                row.summary,
                row.outcome,
                row.status_code or "",
                row.error,
                row.connection_name,
                row.id,
                row.linked_id or "",
            ]
            batch.append(writer.writerow([csv_safe(cell) for cell in cells]))
            if len(batch) == CSV_BATCH:
                yield "".join(batch)
                batch.clear()
        yield "".join(batch)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_csv_filename(filters)}"'
    return response


@require_GET
@permission_required(VIEW, raise_exception=True)
def entry_detail(request, source: str, entry_id: int):
    """One change: a portal write's before and after, field by field, or a PostHog entry's recorded changes."""
    if source == selectors.PORTAL:
        return render(request, "audit/event_detail.html", {"detail": selectors.audit_event_detail(event_id=entry_id)})
    if source == selectors.POSTHOG:
        detail = selectors.activity_entry_detail(snapshot_id=entry_id)
        return render(request, "audit/entry_detail.html", {"detail": detail})
    raise Http404("No such source of audit entries")


@require_GET
@permission_required(VIEW, raise_exception=True)
def object_history(request):
    """One object's timeline (`?area=plugins&object=4`): a fragment for a detail page's history tab, else a page."""
    form = ObjectHistoryForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest("Name the area and object whose history to show (?area=…&object=…).")
    area, object_id = form.cleaned_data["area"], form.cleaned_data["object"]
    cursor = form.cleaned_data["cursor"]
    items, next_position = selectors.object_history_page(
        area=area, object_id=object_id, cursor=cursor, limit=HISTORY_PAGE_SIZE
    )
    about = {"area": area, "object": object_id}
    context = {
        "items": items,
        "area_label": selectors.area_label(area),
        "object_id": object_id,
        "first_page": cursor is None,
        "older_url": f"{request.path}?{urlencode({**about, 'cursor': next_position})}" if next_position else "",
        "older_id": f"history-older-{next_position.source}-{next_position.id}" if next_position else "",
        "trail_url": f"{reverse('audit:list')}?{urlencode(about)}",
    }
    if request.htmx:
        return render(request, "audit/object_history.html#timeline", context)
    return render(request, "audit/object_history.html", context)


def _csv_filename(filters: selectors.TrailFilters) -> str:
    def stamp(at: datetime | None, default: str) -> str:
        return at.astimezone(UTC).strftime("%Y%m%dT%H%MZ") if at else default

    return f"audit-trail_{stamp(filters.after, 'start')}_to_{stamp(filters.before, 'now')}.csv"
