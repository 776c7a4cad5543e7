"""A plugin config's logs: filters in the URL, newest first, "load older" below and a live tail on top."""

from datetime import datetime
from functools import partial
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from apps.connections.request import PortalRequest
from apps.core.pages import posthog_page
from apps.core.paging import CursorPage
from apps.core.parallel import together
from apps.core.params import moment_param
from apps.core.roles import VIEW
from apps.plugins import selectors
from apps.plugins.forms.logs import LOG_TYPES, LogFilterForm
from apps.plugins.presenters.logs import LogRow, log_row

TEMPLATE = "plugins/config_logs.html"
LogPage = CursorPage[dict[str, Any], datetime]


@require_GET
@posthog_page(VIEW)
def config_logs(request: PortalRequest, config_id: int) -> HttpResponse:
    form = LogFilterForm.from_query(request.GET)
    valid = form.is_valid()
    # The config and its first page of entries are read at once: the page waits for one round trip.
    reads = together(
        config=partial(selectors.plugin_config_get, context=request.posthog, config_id=config_id),
        entries=partial(_fetch, request, config_id, form) if valid else lambda: None,
    )
    config = reads.value("config")
    context = {
        "config": config,
        "name": selectors.config_name(config),
        "form": form,
        "live": request.GET.get("live") == "1",
    }
    if valid:
        page, rows = reads.value("entries")
        context.update(_entries_context(config_id, form, page, rows, first_page=True))
    return render(request, TEMPLATE, context)


@require_GET
@posthog_page(VIEW)
def config_log_entries(request: PortalRequest, config_id: int) -> HttpResponse:
    """`older_than` → the rows before that moment and the next "load older" button; otherwise the rows newer than
    `after` (the live tail)."""
    form = LogFilterForm.from_query(request.GET)
    if not form.is_valid():
        return render(request, f"{TEMPLATE}#filter-errors", {"form": form})
    older_than = moment_param(request.GET.get("older_than"))
    page, rows = _fetch(request, config_id, form, older_than=older_than)
    context = _entries_context(config_id, form, page, rows, first_page=older_than is None)
    response = render(request, f"{TEMPLATE}#{'older' if older_than is not None else 'newer'}", context)
    if context["newest"]:
        # The tail next asks for what came after the newest entry PostHog returned, shown or filtered out by source.
        response["X-Log-Newest"] = context["newest"]
    return response


def _fetch(
    request: PortalRequest, config_id: int, form: LogFilterForm, *, older_than: datetime | None = None
) -> tuple[LogPage, list[LogRow]]:
    filters = form.cleaned_data
    if not filters["types"]:
        return CursorPage(items=[], next=None), []
    before = filters["before"]
    if older_than is not None:
        before = min(before, older_than) if before else older_than
    page = selectors.plugin_config_log_page(
        context=request.posthog,
        config_id=config_id,
        types=None if set(filters["types"]) == set(LOG_TYPES) else filters["types"],
        search=filters["search"],
        after=filters["after"],
        before=before,
    )
    # PostHog cannot filter by source: the portal filters each page it gets, and the page says so.
    rows = [log_row(entry) for entry in page.items]
    return page, [row for row in rows if not filters["source"] or row.source == filters["source"]]


def _entries_context(
    config_id: int, form: LogFilterForm, page: LogPage, rows: list[LogRow], *, first_page: bool
) -> dict[str, Any]:
    entries_url = reverse("plugins:config_log_entries", args=[config_id])
    filters = form.cleaned_data
    return {
        "rows": rows,
        "fetched": len(page.items),
        "older_than": page.next.isoformat() if page.next else "",
        "first_page": first_page,
        "more_url": f"{entries_url}?{form.query()}",
        "tail_url": f"{entries_url}?{form.query(without=('after',))}",
        "after_floor": filters["after"].isoformat() if filters["after"] else "",
        # PostHog answers newest first: the first entry's timestamp.
        "newest": str(page.items[0].get("timestamp") or "") if page.items else "",
        "no_types": not filters["types"],
        "debug_hidden": "DEBUG" not in filters["types"],
        "source": filters["source"],
        "can_tail": filters["before"] is None,
    }
