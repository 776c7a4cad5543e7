"""A hog function's logs: filters in the URL, newest first, "load older" by time, and a live tail on top."""

from collections.abc import Callable
from datetime import datetime
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
from apps.hog_functions import selectors
from apps.hog_functions.forms import LogFilters
from apps.hog_functions.presenters import log_rows
from apps.hog_functions.selectors import LogEntry
from apps.hog_functions.views.lookup import function_or_404

TEMPLATE = "hog_functions/logs.html"


@require_GET
@posthog_page(VIEW)
def function_logs(request: PortalRequest, function_id: str) -> HttpResponse:
    form = LogFilters.of(request.GET)
    refusal = request.posthog.unavailable.hog_function_logs
    # The entries are asked by the function's id from the URL: together with the function, not after it.
    reads: dict[str, Callable[[], Any]] = {"function": lambda: function_or_404(request, function_id)}
    if form.is_valid() and refusal is None:
        reads["page"] = lambda: _page(request, function_id, form)
    found = together(**reads)
    context: dict[str, Any] = {
        "function": found.value("function"),
        "form": form,
        "live": request.GET.get("live") == "1",
        "refusal": refusal,
    }
    if "page" in reads:
        context.update(_entries(function_id, form, found.value("page"), first=True))
    return render(request, TEMPLATE, context)


@require_GET
@posthog_page(VIEW)
def function_log_entries(request: PortalRequest, function_id: str) -> HttpResponse:
    """`older_than`: the entries before it and the next "load older" button; else those after `after` (the tail)."""
    form = LogFilters.of(request.GET)
    if not form.is_valid():
        return render(request, f"{TEMPLATE}#filter-errors", {"form": form})
    older_than = moment_param(request.GET.get("older_than"))
    page = _page(request, function_id, form, older_than=older_than)
    context = _entries(function_id, form, page, first=older_than is None)
    response = render(request, f"{TEMPLATE}#{'older' if older_than is not None else 'newer'}", context)
    if context["newest"]:
        response["X-Log-Newest"] = context["newest"]  # the tail next asks for what came after it
    return response


def _page(
    request: PortalRequest, function_id: str, form: LogFilters, *, older_than: datetime | None = None
) -> CursorPage[LogEntry, datetime]:
    params = form.params()
    if older_than is not None:
        params["before"] = min(params["before"], older_than) if params["before"] else older_than
    if params["levels"] == []:
        return CursorPage(items=[], next=None)  # no level ticked: nothing to ask for
    return selectors.hog_function_log_page(context=request.posthog, function_id=function_id, **params)


def _entries(
    function_id: str, form: LogFilters, page: CursorPage[LogEntry, datetime], *, first: bool
) -> dict[str, Any]:
    entries_url = reverse("hog_functions:log_entries", args=[function_id])
    return {
        "rows": log_rows(page.items),
        "older_than": page.next.isoformat() if page.next else "",
        "first_page": first,
        "more_url": f"{entries_url}?{form.encoded()}",
        "tail_url": f"{entries_url}?{form.encoded(leave_out=('after',))}",
        "after_floor": form.cleaned_data["after"].isoformat() if form.cleaned_data["after"] else "",
        "newest": page.items[0].timestamp if page.items else "",
        "no_levels": not form.cleaned_data["levels"],
        "debug_hidden": "DEBUG" not in form.cleaned_data["levels"],
        "can_tail": form.cleaned_data["before"] is None,
    }
