"""One hog function: its inputs (secrets never shown), filters, mappings, code and runs; edit its inputs and
filters, rename it."""

from functools import partial

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.connections.request import PortalRequest
from apps.core.forms import NO_CHANGES
from apps.core.htmx import fragment_or_page
from apps.core.http import htmx_redirect
from apps.core.outcome import attempt
from apps.core.pages import form_write, posthog_page
from apps.core.parallel import together
from apps.core.roles import OPERATE, VIEW
from apps.hog_functions import selectors, services
from apps.hog_functions.forms import FunctionForm, RenameForm
from apps.hog_functions.presenters import (
    filters_in_words,
    highlighted_code,
    input_rows,
    rate_label,
    rate_level,
    runs_chart,
    status,
    type_name,
)
from apps.hog_functions.views.lookup import function_app_url, function_or_404


@require_GET
@posthog_page(VIEW)
def function_detail(request: PortalRequest, function_id: str) -> HttpResponse:
    context = request.posthog
    # The 24 hours' totals are asked by the id in the URL, beside the function rather than after it: the page waits
    # for one round trip. A function PostHog does not measure (one that runs in the browser) shows none of them.
    reads = together(
        function=partial(function_or_404, request, function_id),
        totals=partial(selectors.hog_function_totals, context=context, function_id=function_id),
    )
    function = reads.value("function")
    unavailable = context.unavailable
    return render(
        request,
        "hog_functions/detail.html",
        {
            "function": function,
            "status": status(function),
            "type_name": type_name(function.type),
            "filters": filters_in_words(function),
            "inputs": input_rows(function),
            "code": highlighted_code(function),
            # A secondary read: the page shows without it, saying why.
            "totals": reads["totals"] if function.measured else None,
            "totals_rate": _rate(reads["totals"].value),
            "rename_form": RenameForm(initial={"name": function.name}),
            "app_url": function_app_url(request, function.id),
            "edit_refusal": unavailable.hog_function_edit,
            "test_refusal": unavailable.hog_function_test,
            "metrics_refusal": unavailable.hog_function_metrics,
        },
    )


@require_http_methods(["GET", "POST"])
@posthog_page(OPERATE)
def function_edit(request: PortalRequest, function_id: str) -> HttpResponse:
    function = function_or_404(request, function_id)
    form = FunctionForm(request.POST if request.method == "POST" else None, function=function)
    refusal = request.posthog.unavailable.hog_function_edit
    if request.method == "POST" and refusal is None and form.is_valid() and not form.payload():
        messages.info(request, NO_CHANGES)
        return htmx_redirect(request, "hog_functions:detail", function_id=function_id)
    if request.method == "POST" and refusal is None and form.is_valid():
        saved = form_write(
            form,
            lambda: services.hog_function_update(context=request.posthog, function=function, data=form.payload()),
        )
        if saved is not None:
            messages.success(request, f"Saved “{saved.label}”: PostHog holds its new inputs and filters.")
            return htmx_redirect(request, "hog_functions:detail", function_id=function_id)
    context = {
        "function": function,
        "form": form,
        "refusal": refusal,
        "app_url": function_app_url(request, function_id),
    }
    return render(request, fragment_or_page(request, "hog_functions/edit.html", "form"), context)


@require_POST
@posthog_page(OPERATE)
def function_rename(request: PortalRequest, function_id: str) -> HttpResponse:
    function = function_or_404(request, function_id)
    form = RenameForm(request.POST, initial={"name": function.name})
    if form.is_valid() and not form.payload():
        messages.info(request, NO_CHANGES)
        return htmx_redirect(request, "hog_functions:detail", function_id=function_id)
    if form.is_valid():
        renamed = form_write(
            form,
            lambda: services.hog_function_rename(
                context=request.posthog, function_id=function_id, name=form.cleaned_data["name"]
            ),
        )
        if renamed is not None:
            messages.success(request, f"Renamed to “{renamed.label}”.")
            return htmx_redirect(request, "hog_functions:detail", function_id=function_id)
    for error in form.errors.get("name", []) + form.non_field_errors():
        messages.error(request, f"Not renamed: {error}")
    return htmx_redirect(request, "hog_functions:detail", function_id=function_id)


@require_GET
@posthog_page(VIEW)
def function_metrics(request: PortalRequest, function_id: str) -> HttpResponse:
    """The runs chart (a part of the function's and the logs page), over 24 hours, 7 or 30 days."""
    wanted = request.GET.get("range") or ""
    range_key = wanted if wanted in selectors.RANGES else "24h"
    series = attempt(
        lambda: selectors.hog_function_metrics(context=request.posthog, function_id=function_id, range_key=range_key)
    )
    chart = runs_chart(series.value) if series.value is not None else None
    return render(
        request,
        "hog_functions/metrics.html",
        {
            "function_id": function_id,
            "range": range_key,
            "ranges": list(selectors.RANGES),
            "chart": chart,
            "error": series.error,
            "rate": rate_label(chart.totals.success_rate) if chart else "",
            "level": rate_level(chart.totals) if chart else "none",
        },
    )


def _rate(totals: selectors.Totals | None) -> str:
    """The totals' success rate as the list writes it, so the page and the list show one figure."""
    return rate_label(totals.success_rate) if totals is not None else ""
