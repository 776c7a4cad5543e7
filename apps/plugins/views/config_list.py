"""The project's plugin configs in pipeline order: enable, disable, reorder and delete them in place; the toast of a
switch or a reorder offers Undo. Several at once are enabled or disabled after one confirmation (apps/core/bulk.py)."""

from collections.abc import Sequence

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from apps.connections.request import PortalRequest
from apps.core.bulk import Found, Place, Planned, Report, Words, bulk_plan, bulk_view
from apps.core.htmx import wants_fragment
from apps.core.http import htmx_redirect
from apps.core.pages import posthog_page
from apps.core.params import reordered
from apps.core.roles import OPERATE, VIEW
from apps.core.undo import NOTHING_TO_UNDO, toast_with_undo, undo_take
from apps.plugins import selectors, services
from apps.posthog.errors import PostHogError

TEMPLATE = "plugins/config_list.html"
UNDO_URL = "plugins:config_undo"
# The bulk actions, each with its verb and the state it leaves a config in.
BULK_WORDS = Words(noun="plugin config", actions={"enable": ("Enable", "enabled"), "disable": ("Disable", "disabled")})


def _render_list(request: PortalRequest, *, partial: bool, bulk: Report | None = None) -> HttpResponse:
    rows = selectors.plugin_config_rows(context=request.posthog)
    reorder_refusal = request.posthog.unavailable.plugin_config_rearrange
    context = {
        "enabled_rows": [row for row in rows if row.enabled],
        "disabled_rows": [row for row in rows if not row.enabled],
        "delivery_reported": not rows or any(row.delivery_reported for row in rows),
        "reorder_refusal": reorder_refusal,
        "can_reorder": request.user.has_perm(OPERATE) and reorder_refusal is None,
        # PostHog answers `error: null` now: where no row has one, the stored logs fill the column in.
        "last_errors_from_history": any(row.last_error_at is None for row in rows),
        "bulk": bulk,
    }
    return render(request, f"{TEMPLATE}#configs" if partial else TEMPLATE, context)


@require_GET
@posthog_page(VIEW)
def config_list(request: PortalRequest) -> HttpResponse:
    return _render_list(request, partial=wants_fragment(request))


@require_POST
@posthog_page(OPERATE)
def config_enabled_set(request: PortalRequest, config_id: int) -> HttpResponse:
    enabled = request.POST.get("enabled") == "true"
    try:
        config = services.plugin_config_enabled_set(context=request.posthog, config_id=config_id, enabled=enabled)
    except PostHogError as error:
        # The switch must snap back to what PostHog holds, so the list is redrawn rather than the banner shown.
        messages.error(request, error.user_message)
    else:
        name = selectors.config_name(config)
        toast_with_undo(
            request,
            f"{name} {'enabled' if enabled else 'disabled'}.",
            kind="enabled",
            state={"config_id": config_id, "enabled": not enabled},
            undone=f"Undone: {name} {'disabled' if enabled else 'enabled'} again.",
            url_name=UNDO_URL,
        )
        try:
            return _render_list(request, partial=True)
        except PostHogError:
            # PostHog made the switch; only reading the list again failed. The row comes from the write's answer,
            # beside the success toast, so no error banner claims the switch failed.
            response = render(request, f"{TEMPLATE}#config-row", {"row": selectors.config_row_of(config)})
            return reswap(retarget(response, f"#config-{config_id}"), "outerHTML")
    return _render_list(request, partial=True)


@require_POST
@posthog_page(OPERATE)
def config_rearrange(request: PortalRequest) -> HttpResponse:
    """Either the whole new order (drag and drop) or one config moved a step (the keyboard's up/down buttons)."""
    enabled_rows = [row for row in selectors.plugin_config_rows(context=request.posthog) if row.enabled]
    current = [row.id for row in enabled_rows]
    wanted = [int(config_id) for config_id in reordered(request.POST, [str(config_id) for config_id in current])]
    if wanted and wanted != current:
        try:
            services.plugin_config_rearrange(
                context=request.posthog, orders={config_id: position for position, config_id in enumerate(wanted, 1)}
            )
        except PostHogError as error:
            messages.error(request, error.user_message)
        else:
            # The orders PostHog held, not positions: the undo puts back exactly what was there.
            previous = {str(row.id): row.order for row in enabled_rows}
            toast_with_undo(
                request,
                "Pipeline order saved.",
                kind="order",
                state={"orders": previous},
                undone="Undone: the pipeline is back in its previous order.",
                url_name=UNDO_URL,
            )
    return _render_list(request, partial=True)


@require_POST
@posthog_page(OPERATE)
def config_undo(request: PortalRequest, token: str) -> HttpResponse:
    """The toast's Undo of a switch or a reorder: the list is drawn again in place, as PostHog now holds it."""
    undo = undo_take(request, token=token, kinds=services.UNDO_KINDS)
    if undo is None:
        messages.info(request, NOTHING_TO_UNDO)
    else:
        try:
            services.plugin_config_undo(context=request.posthog, kind=undo.kind, state=undo.state)
        except PostHogError as error:
            messages.error(request, error.user_message)
        else:
            messages.success(request, undo.undone)
    # The toast's button swaps nothing itself: the answer names the list it replaces.
    return reswap(retarget(_render_list(request, partial=True), "#configs"), "innerHTML")


@require_POST
@posthog_page(OPERATE)
def config_delete(request: PortalRequest, config_id: int) -> HttpResponse:
    # PostHog's delete only disables: read first, so an enabled one's Undo can switch it on again.
    config = selectors.plugin_config_get(context=request.posthog, config_id=config_id)
    services.plugin_config_delete(context=request.posthog, config_id=config_id)
    message = "Plugin config deleted. PostHog keeps it, disabled, with its settings."
    if config.get("enabled"):
        undone = f"Undone: {selectors.config_name(config)} enabled again."
        state = {"config_id": config_id, "enabled": True}
        toast_with_undo(request, message, kind="enabled", state=state, undone=undone, url_name=UNDO_URL)
    else:
        messages.success(request, message)
    return htmx_redirect(request, "plugins:configs")


@require_POST
@posthog_page(OPERATE)
def config_bulk(request: PortalRequest) -> HttpResponse:
    """Enable or disable several configs: the ticked ones are listed as PostHog holds them, with what will change;
    the confirmation (its one-time token) switches each through the single switch's service and shows each result."""
    return bulk_view(
        request,
        words=BULK_WORDS,
        place=Place(back_url=reverse("plugins:configs"), target="#configs", swap="innerHTML"),
        plan=lambda action, ids: _config_plan(request, ids=ids, action=action),
        apply=lambda action, plan: services.plugin_config_enabled_set_many(
            context=request.posthog, plan=plan, enabled=action == "enable"
        ),
        listed=lambda report: _render_list(request, partial=wants_fragment(request), bulk=report),
    )


def _config_plan(request: PortalRequest, *, ids: Sequence[str], action: str) -> list[Planned]:
    """The names and states from PostHog's list, read now: never those the form sent."""
    rows = selectors.plugin_config_rows(context=request.posthog)
    found = {str(row.id): Found(name=row.name, state="enabled" if row.enabled else "disabled") for row in rows}
    return bulk_plan(ids=ids, found=found, after=BULK_WORDS.actions[action][1])
