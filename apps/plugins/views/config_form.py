"""Add a plugin to the project as a config, or change a config, with a form built from the plugin's schema."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods

from apps.connections.request import PortalRequest
from apps.core.forms import NO_CHANGES
from apps.core.htmx import wants_fragment
from apps.core.http import htmx_redirect
from apps.core.pages import form_write, posthog_page
from apps.core.roles import OPERATE
from apps.plugins import selectors, services
from apps.plugins.forms.config import PluginConfigForm, own_name
from apps.plugins.presenters.plugins import alphabetical
from apps.plugins.schema import secret_keys
from apps.posthog.errors import ChangeNotKept

TEMPLATE = "plugins/config_form.html"


@require_http_methods(["GET", "POST"])
@posthog_page(OPERATE)
def config_create(request: PortalRequest) -> HttpResponse:
    plugin_id = request.GET.get("plugin", "")
    if not plugin_id.isdigit():
        return render(request, TEMPLATE, {"plugins": alphabetical(selectors.plugin_list(context=request.posthog))})
    plugin = selectors.plugin_get(context=request.posthog, plugin_id=int(plugin_id))
    form = PluginConfigForm(*_submitted(request), schema=plugin.get("config_schema"), initial={"enabled": True})
    if request.method == "POST" and form.is_valid():
        config = _saved(
            form,
            lambda: services.plugin_config_create(
                context=request.posthog,
                data={
                    "plugin": plugin["id"],
                    "order": selectors.plugin_config_next_order(context=request.posthog),
                    **form.request_data(),
                },
                files=form.attachment_files(),
                secret_keys=secret_keys(plugin.get("config_schema")),
            ),
        )
        if config is not None and config.get("id") is None:
            # Newer PostHog makes a hog function instead and answers a config it never saved.
            messages.warning(
                request,
                format_html(
                    "PostHog did not add a plugin config: it made a hog function from {} instead (plugin configs are "
                    'retired in this PostHog). <a href="{}" target="_blank" rel="noopener">Find it among the '
                    "destinations in PostHog ↗</a>",
                    plugin.get("name") or "the plugin",
                    selectors.destinations_app_url(context=request.posthog),
                ),
            )
            return htmx_redirect(request, "plugins:configs")
        if config is not None:
            messages.success(request, f"{selectors.config_name(config, plugin)} added to the project.")
            return htmx_redirect(request, "plugins:config_detail", config_id=config["id"])
    return _render_form(request, form, plugin=plugin)


@require_http_methods(["GET", "POST"])
@posthog_page(OPERATE)
def config_edit(request: PortalRequest, config_id: int) -> HttpResponse:
    config = selectors.plugin_config_get(context=request.posthog, config_id=config_id)
    plugin = selectors.config_plugin(config)
    form = PluginConfigForm(
        *_submitted(request),
        schema=plugin.get("config_schema"),
        saved=config.get("config") or {},
        initial={"enabled": bool(config.get("enabled")), "name": own_name(config, plugin)},
    )
    if request.method == "POST" and form.is_valid() and not form.has_changes():
        messages.info(request, NO_CHANGES)
        return htmx_redirect(request, "plugins:config_detail", config_id=config_id)
    if request.method == "POST" and form.is_valid():
        saved = _saved(
            form,
            lambda: services.plugin_config_update(
                context=request.posthog,
                config_id=config_id,
                data=form.request_data(),
                files=form.attachment_files(),
                secret_keys=secret_keys(plugin.get("config_schema")),
            ),
        )
        if saved is not None:
            messages.success(request, f"{selectors.config_name(saved, plugin)} saved.")
            return htmx_redirect(request, "plugins:config_detail", config_id=config_id)
    return _render_form(request, form, plugin=plugin, config=config)


def _submitted(request: PortalRequest) -> tuple[Any, Any]:
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _saved(form: PluginConfigForm, write: Callable[[], dict[str, Any]]) -> dict[str, Any] | None:
    """PostHog's answer to the write, or None when it refused a value or did not keep one: why is then on the form,
    beside everything the person typed (each value PostHog did not keep on its own field, too)."""

    def write_marking_unkept() -> dict[str, Any]:
        try:
            return write()
        except ChangeNotKept as error:
            form.mark_unkept(error.unkept)
            raise  # form_write puts the message atop the form

    return form_write(form, write_marking_unkept)


def _render_form(
    request: PortalRequest, form: PluginConfigForm, *, plugin: dict[str, Any], config: dict[str, Any] | None = None
) -> HttpResponse:
    context = {
        "form": form,
        "rows": form.rows(),
        "plugin": plugin,
        "config": config,
        "config_name": selectors.config_name(config, plugin) if config else "",
    }
    # An htmx submit redraws only the form, so the page around it (and any banner) stays as it is.
    partial = wants_fragment(request) and request.method == "POST"
    return render(request, f"{TEMPLATE}#config-form" if partial else TEMPLATE, context)
