"""Add a plugin to the project as a config, or change a config, with a form built from the plugin's schema."""

import unicodedata
from collections.abc import Callable

from django.contrib import messages
from django.shortcuts import render
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods

from apps.core.http import htmx_redirect
from apps.core.pages import form_error_from_upstream, posthog_page
from apps.core.roles import OPERATE
from apps.plugins import selectors, services
from apps.plugins.config_form import PluginConfigForm
from apps.plugins.schema import secret_keys
from apps.posthog.errors import ChangeNotKept, ValidationError

TEMPLATE = "plugins/config_form.html"


@require_http_methods(["GET", "POST"])
@posthog_page(OPERATE)
def config_create(request):
    plugin_id = request.GET.get("plugin", "")
    if not plugin_id.isdigit():
        plugins = sorted(selectors.plugin_list(context=request.posthog), key=_alphabetical)
        return render(request, TEMPLATE, {"plugins": plugins})
    plugin = selectors.plugin_get(context=request.posthog, plugin_id=int(plugin_id))
    form = PluginConfigForm(*_submitted(request), schema=plugin.get("config_schema"), initial={"enabled": True})
    if request.method == "POST" and form.is_valid():
        config = _saved(
            form,
            lambda: services.plugin_config_create(
                context=request.posthog,
                data={"plugin": plugin["id"], "order": _order_after_last(request), **form.request_data()},
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
def config_edit(request, config_id: int):
    config = selectors.plugin_config_get(context=request.posthog, config_id=config_id)
    plugin = config.get("plugin_info") or {}
    form = PluginConfigForm(
        *_submitted(request),
        schema=plugin.get("config_schema"),
        saved=config.get("config") or {},
        initial={"enabled": bool(config.get("enabled")), "name": _own_name(config, plugin)},
    )
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


def _submitted(request) -> tuple:
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _saved(form: PluginConfigForm, write: Callable[[], dict]) -> dict | None:
    """PostHog's answer to the write, or None when it refused a value or did not keep one: why is then on the form,
    beside everything the person typed."""
    try:
        return write()
    except ValidationError as error:
        if not form_error_from_upstream(form, error):
            form.add_error(None, error.user_message)
    except ChangeNotKept as error:
        form.add_error(None, error.user_message)
        for item in error.unkept:
            field = f"config__{item.field}" if f"config__{item.field}" in form.fields else item.field
            if field in form.fields:
                form.add_error(field, f"PostHog did not keep this value; it still holds “{_shown(item.kept)}”.")
    return None


def _shown(value) -> str:
    if value in (None, ""):
        return "nothing"
    return str(value) if not isinstance(value, dict) else str(value.get("name") or value)


def _alphabetical(plugin: dict) -> str:
    # "Über" sorts with the U's, not after Z.
    return unicodedata.normalize("NFKD", str(plugin.get("name") or "")).casefold()


def _order_after_last(request) -> int:
    configs = selectors.plugin_config_list(context=request.posthog)
    return max((config.get("order") or 0 for config in configs), default=0) + 1


def _own_name(config: dict, plugin: dict) -> str:
    """PostHog answers the plugin's name when the config has none of its own; the form shows only an own one."""
    name = config.get("name") or ""
    return "" if name == plugin.get("name") else name


def _render_form(request, form: PluginConfigForm, *, plugin: dict, config: dict | None = None):
    context = {
        "form": form,
        "rows": form.rows(),
        "plugin": plugin,
        "config": config,
        "config_name": selectors.config_name(config, plugin) if config else "",
    }
    # An htmx submit redraws only the form, so the page around it (and any banner) stays as it is.
    partial = request.htmx and request.method == "POST"
    return render(request, f"{TEMPLATE}#config-form" if partial else TEMPLATE, context)
