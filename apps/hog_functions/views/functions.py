"""The project's hog functions by type, with their health: switch them on and off, reorder the transformations,
delete one (with an Undo) in place."""

from functools import partial
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from apps.connections.request import PortalRequest
from apps.core.htmx import render_fragment_or_page
from apps.core.http import htmx_redirect
from apps.core.outcome import Outcome
from apps.core.pages import posthog_page
from apps.core.parallel import together
from apps.core.params import reordered
from apps.core.roles import OPERATE, VIEW
from apps.core.undo import NOTHING_TO_UNDO, toast_with_undo, undo_take
from apps.hog_functions import selectors, services
from apps.hog_functions.paths import function_ids
from apps.hog_functions.presenters import sections, status
from apps.hog_functions.selectors.health import MAX_MEASURED, Totals
from apps.posthog.actions import BY_KEY, app_url
from apps.posthog.errors import EndpointNotFound, PermissionDenied, PostHogError

TEMPLATE = "hog_functions/list.html"
UNDO_URL = "hog_functions:undo"


@require_GET
@posthog_page(VIEW)
def function_list(request: PortalRequest) -> HttpResponse:
    """The list at once, with the figures PostHog gave within the cache's lifetime; when some are not kept, the rows
    say "Reading…" and the figures (one request per function, side by side) arrive after the page: the list waits
    for one round trip, not two."""
    return _render_list(request, figures_kept_only=True)


@require_GET
@posthog_page(VIEW)
def function_figures(request: PortalRequest) -> HttpResponse:
    """The list with every figure read (the part the list loads after itself; the whole page when opened alone).
    The list names the functions to measure (`measure`), so their figures are read beside the list itself."""
    return _render_list(request, measure=function_ids(request.GET.getlist("measure"))[:MAX_MEASURED])


def _render_list(
    request: PortalRequest,
    *,
    fragment_only: bool = False,
    figures_kept_only: bool = False,
    measure: list[str] | None = None,
) -> HttpResponse:
    context = request.posthog
    page: dict = {
        "refusal": context.unavailable.hog_functions,
        "app_url": app_url(
            host=context.connection.host if context.connection else "",
            action=BY_KEY["hog_functions"],
            project_id=context.project_id,
        ),
        "budget": MAX_MEASURED,
    }
    if page["refusal"] is None:
        try:
            functions, known = _functions_read(request, measure or [])
        except (EndpointNotFound, PermissionDenied) as error:
            page["error"] = error  # this PostHog has none, or the key may not read them: said in place
        else:
            health, reading = _health(request, functions, kept_only=figures_kept_only, known=known)
            reorder_refusal = context.unavailable.hog_function_rearrange
            page.update(
                reading=bool(reading),
                measure=urlencode([("measure", function_id) for function_id in sorted(reading)]),
                sections=sections(functions, health, budget=MAX_MEASURED, reading=reading),
                count=len(functions),
                enabled=sum(function.enabled for function in functions),
                troubled=sum(function.degraded or function.stopped_by_posthog for function in functions),
                unmeasured=sum(
                    function.measured and function.id not in health and function.id not in reading
                    for function in functions
                ),
                reorder_refusal=reorder_refusal,
                can_reorder=request.user.has_perm(OPERATE) and reorder_refusal is None,
                edit_refusal=context.unavailable.hog_function_edit,
            )
    if fragment_only:
        return render(request, f"{TEMPLATE}#functions", page)
    return render_fragment_or_page(request, TEMPLATE, page, fragment="functions")


def _functions_read(
    request: PortalRequest, measure: list[str]
) -> tuple[list[selectors.HogFunction], dict[str, Outcome[Totals]]]:
    """The functions, and the totals of those the figures part names, side by side (one round trip); the list alone
    (no worker threads) when it names none: the list's own view and every in-place change."""
    context = request.posthog
    if not measure:
        return selectors.hog_function_list(context=context), {}
    read = together(
        functions=partial(selectors.hog_function_list, context=context),
        known=partial(selectors.hog_function_totals_of, context=context, function_ids=measure),
    )
    return read.value("functions"), read["known"].value or {}


def _health(
    request: PortalRequest,
    functions: list[selectors.HogFunction],
    *,
    kept_only: bool,
    known: dict[str, Outcome[Totals]] | None,
) -> tuple[dict[str, Outcome[Totals]], frozenset[str]]:
    """The figures to show, and the ids of the functions whose figures are still to be read after the page."""
    context = request.posthog
    if kept_only:
        kept = selectors.hog_function_health_kept(context=context, functions=functions, budget=MAX_MEASURED)
        if kept is not None:
            return kept, frozenset()
        measured = selectors.hog_functions_measured(functions=functions, budget=MAX_MEASURED)
        return {}, frozenset(function.id for function in measured)
    health = selectors.hog_function_health(context=context, functions=functions, budget=MAX_MEASURED, known=known)
    return health, frozenset()


@require_POST
@posthog_page(OPERATE)
def function_enabled(request: PortalRequest, function_id: str) -> HttpResponse:
    enabled = request.POST.get("enabled") == "true"
    try:
        switched = services.hog_function_enabled_set(context=request.posthog, function_id=function_id, enabled=enabled)
        toast_with_undo(
            request,
            _switched(switched, enabled),
            kind="enabled",
            state={"function_id": function_id, "enabled": not enabled},
            undone=f"Undone: {switched.label} {'disabled' if enabled else 'enabled'} again.",
            url_name=UNDO_URL,
        )
    except PostHogError as error:
        # The switch must show what PostHog holds: the list is drawn again with the message.
        messages.error(request, error.user_message)
    if request.POST.get("from") == "detail":
        return htmx_redirect(request, "hog_functions:detail", function_id=function_id)
    return _render_list(request, fragment_only=True)


def _switched(function: selectors.HogFunction, enabled: bool) -> str:
    """What the toast says, and what PostHog says of it where that is more than on or off."""
    shown = status(function).label
    note = f" PostHog marks it “{shown}”." if shown not in ("Enabled", "Disabled") else ""
    return f"{function.label} {'enabled' if enabled else 'disabled'}.{note}"


@require_POST
@posthog_page(OPERATE)
def function_rearrange(request: PortalRequest) -> HttpResponse:
    """The whole new order of the transformations (drag and drop), or one moved a step (the ↑ ↓ buttons)."""
    functions = selectors.hog_function_list(context=request.posthog)
    current = [f.id for f in sorted(functions, key=_run_order) if f.type == "transformation"]
    wanted = reordered(request.POST, current)
    if wanted == current:
        return _render_list(request, fragment_only=True)
    orders = {function_id: position for position, function_id in enumerate(wanted, 1)}
    try:
        services.hog_function_rearrange(context=request.posthog, orders=orders)
        toast_with_undo(
            request,
            "Transformation order saved: PostHog runs them in this order now.",
            kind="order",
            state={"orders": _orders_held(functions, current)},
            undone="Undone: the transformations run in their previous order again.",
            url_name=UNDO_URL,
        )
    except PostHogError as error:
        messages.error(request, error.user_message)
    return _render_list(request, fragment_only=True)


def _run_order(function: selectors.HogFunction) -> tuple[bool, int]:
    return function.execution_order is None, function.execution_order or 0


def _orders_held(functions: list[selectors.HogFunction], current: list[str]) -> dict[str, int]:
    """The execution orders PostHog held, for the undo. One without an order (PostHog runs those last) cannot be
    given none again: it gets the next number after the others, in the line it ran in, so the order is the same."""
    held = {f.id: f.execution_order for f in functions if f.id in current and f.execution_order is not None}
    after = max(held.values(), default=0)
    unordered = [function_id for function_id in current if function_id not in held]
    return {**held, **{function_id: after + n for n, function_id in enumerate(unordered, 1)}}


@require_POST
@posthog_page(OPERATE)
def function_delete(request: PortalRequest, function_id: str) -> HttpResponse:
    """A soft delete (PATCH `deleted: true`): PostHog answers DELETE with 405. PostHog lets it be undone (PATCH
    `deleted: false`), so the toast offers Undo; from the function's page, the page says it is deleted."""
    deleted = services.hog_function_delete(context=request.posthog, function_id=function_id)
    toast_with_undo(
        request,
        f"Deleted “{deleted.label}”.",
        kind="deleted",
        state={"function_id": function_id},
        undone=f"Undone: “{deleted.label}” is back.",
        url_name=UNDO_URL,
    )
    if request.POST.get("from") == "detail" and request.htmx:
        return render(request, "hog_functions/detail.html#deleted", {"function": deleted})
    if request.htmx:
        return _render_list(request, fragment_only=True)
    return htmx_redirect(request, "hog_functions:list")


@require_POST
@posthog_page(OPERATE)
def function_restore(request: PortalRequest, function_id: str) -> HttpResponse:
    restored = services.hog_function_restore(context=request.posthog, function_id=function_id)
    where = " (back at the end of the line)" if restored.ordered else ""
    messages.success(request, f"Restored “{restored.label}”{where}.")
    if request.htmx and request.POST.get("from") != "detail":
        # From a toast (which swaps nothing): the page reloads to show it back, the message as its toast.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return htmx_redirect(request, "hog_functions:detail", function_id=function_id)


@require_POST
@posthog_page(OPERATE)
def function_undo(request: PortalRequest, token: str) -> HttpResponse:
    """The toast's Undo of a switch, a reorder or a delete. On the list, the list is drawn again in place; on any
    other page (a function's own) that page reloads, its toast the message."""
    undo = undo_take(request, token=token, kinds=services.UNDO_KINDS)
    if undo is None:
        messages.info(request, NOTHING_TO_UNDO)
    else:
        try:
            restored = services.hog_function_undo(context=request.posthog, kind=undo.kind, state=undo.state)
        except PostHogError as error:
            messages.error(request, error.user_message)
        else:
            where = " (back at the end of the line)" if undo.kind == "deleted" and restored and restored.ordered else ""
            messages.success(request, f"{undo.undone}{where}")
    if urlsplit(request.htmx.current_url or "").path == reverse("hog_functions:list"):
        return reswap(retarget(_render_list(request, fragment_only=True), "#functions"), "innerHTML")
    # From a toast on another page: that page reloads to show it as PostHog holds it, the message as its toast.
    response = HttpResponse(status=204)
    response["HX-Refresh"] = "true"
    return response
