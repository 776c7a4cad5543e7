"""The project's plugin configs in pipeline order: enable, disable, reorder and delete them in place."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from apps.connections.request import PortalRequest
from apps.core.htmx import wants_fragment
from apps.core.http import htmx_redirect
from apps.core.pages import posthog_page
from apps.core.params import reordered
from apps.core.roles import OPERATE, VIEW
from apps.plugins import selectors, services
from apps.posthog.errors import PostHogError

TEMPLATE = "plugins/config_list.html"


def _render_list(request: PortalRequest, *, partial: bool) -> HttpResponse:
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
        messages.success(request, f"{name} {'enabled' if enabled else 'disabled'}.")
    return _render_list(request, partial=True)


@require_POST
@posthog_page(OPERATE)
def config_rearrange(request: PortalRequest) -> HttpResponse:
    """Either the whole new order (drag and drop) or one config moved a step (the keyboard's up/down buttons)."""
    current = [row.id for row in selectors.plugin_config_rows(context=request.posthog) if row.enabled]
    wanted = [int(config_id) for config_id in reordered(request.POST, [str(config_id) for config_id in current])]
    if wanted and wanted != current:
        try:
            services.plugin_config_rearrange(
                context=request.posthog, orders={config_id: position for position, config_id in enumerate(wanted, 1)}
            )
        except PostHogError as error:
            messages.error(request, error.user_message)
        else:
            messages.success(request, "Pipeline order saved.")
    return _render_list(request, partial=True)


@require_POST
@posthog_page(OPERATE)
def config_delete(request: PortalRequest, config_id: int) -> HttpResponse:
    services.plugin_config_delete(context=request.posthog, config_id=config_id)
    messages.success(request, "Plugin config deleted. PostHog keeps it, disabled, with its settings.")
    return htmx_redirect(request, "plugins:configs")
