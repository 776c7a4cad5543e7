"""One plugin config: its settings (secrets never shown), last error, activity, frontend, and its jobs."""

import json
import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.activity import activity_items
from apps.core.http import htmx_redirect
from apps.core.outcome import attempt
from apps.core.pages import form_error_from_upstream, posthog_page
from apps.core.roles import OPERATE, VIEW
from apps.plugins import selectors, services
from apps.plugins.job_form import job_forms
from apps.plugins.schema import SECRET_MASKS, SchemaEntry, schema_entries
from apps.posthog.errors import EndpointNotFound, PersonalKeyRefused, ValidationError

FRONTEND_LIMIT = 100_000
NO_FRONTEND = re.compile(r'"no_frontend"\s*:\s*true')


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    kind: str  # "secret" | "attachment" | "value" | "empty"
    value: str = ""
    size: int | None = None


@require_GET
@posthog_page(VIEW)
def config_detail(request: HttpRequest, config_id: int) -> HttpResponse:
    context = request.posthog
    config = selectors.plugin_config_get(context=context, config_id=config_id)
    plugin = config.get("plugin_info") if isinstance(config.get("plugin_info"), dict) else {}
    unavailable = context.unavailable
    return render(
        request,
        "plugins/config_detail.html",
        {
            "config": config,
            "plugin": plugin,
            "name": selectors.config_name(config),
            # Secondary reads: each part says why it is missing, and the page still shows.
            "delivery": attempt(lambda: selectors.plugin_config_delivery(context=context, config=config)),
            "last_error": attempt(lambda: selectors.plugin_config_last_error(context=context, config=config)),
            "created": _moment(config.get("created_at")),
            "updated": _moment(config.get("updated_at")),
            "settings": config_settings(config, plugin),
            "has_jobs": bool(plugin.get("public_jobs")),
            "job_refusal": unavailable.plugin_config_job,
            "activity_refusal": unavailable.plugin_config_activity,
            "frontend_refusal": unavailable.plugin_config_frontend,
            "migration_available": bool(plugin.get("hog_function_migration_available")),
            "migrate_refusal": unavailable.plugin_config_migrate,
        },
    )


@require_GET
@posthog_page(VIEW)
def config_activity(request: HttpRequest, config_id: int) -> HttpResponse:
    if refusal := request.posthog.unavailable.plugin_config_activity:
        return render(request, "core/unavailable.html", {"refusal": refusal, "title": "Activity is not available."})
    number = _page_number(request.GET.get("page"))
    page = selectors.plugin_config_activity_page(context=request.posthog, config_id=config_id, page=number)
    return render(
        request,
        "core/activity.html#timeline",
        {
            "items": activity_items(page.items),
            "next_page": page.next,
            "more_url": request.path,
            "first_page": number == 1,
        },
    )


@require_GET
@posthog_page(VIEW)
def config_frontend(request: HttpRequest, config_id: int) -> HttpResponse:
    if (refusal := request.posthog.unavailable.plugin_config_frontend) and request.htmx:
        return render(request, "core/unavailable.html", {"refusal": refusal, "title": "The frontend is not available."})
    source = selectors.plugin_config_frontend_get(context=request.posthog, config_id=config_id)
    context = {
        "config_id": config_id,
        "has_frontend": bool(source.strip()) and not NO_FRONTEND.search(source),
        "source": source[:FRONTEND_LIMIT],
        "length": len(source),
        "truncated": len(source) > FRONTEND_LIMIT,
    }
    if request.htmx:
        return render(request, "plugins/config_detail_frontend.html#frontend", context)
    config = selectors.plugin_config_get(context=request.posthog, config_id=config_id)
    return render(request, "plugins/config_detail_frontend.html", {**context, "name": selectors.config_name(config)})


@require_http_methods(["GET", "POST"])
@posthog_page(OPERATE)
def config_job(request: HttpRequest, config_id: int) -> HttpResponse:
    config = selectors.plugin_config_get(context=request.posthog, config_id=config_id)
    plugin = config.get("plugin_info") if isinstance(config.get("plugin_info"), dict) else {}
    if refusal := request.posthog.unavailable.plugin_config_job:
        # Known before anyone fills in a payload: PostHog refuses jobs to this key, or no longer has them.
        return render(
            request,
            "plugins/config_job.html",
            {"config": config, "name": selectors.config_name(config), "forms": [], "refusal": refusal},
        )
    public_jobs = plugin.get("public_jobs")
    job_name = request.POST.get("job_type") if request.method == "POST" else None
    forms = job_forms(public_jobs, data=request.POST or None, selected=job_name)
    chosen = next((form for form in forms if form.job_name == job_name), None)
    if request.method == "POST" and chosen is None:
        messages.error(request, f"This plugin has no job named “{job_name}” (any more): nothing was started.")
        return htmx_redirect(request, "plugins:config_job", config_id=config_id)
    if chosen is not None and chosen.is_valid():
        try:
            services.plugin_config_job_run(
                context=request.posthog, config_id=config_id, job_type=job_name, payload=chosen.payload()
            )
        except ValidationError as error:
            if not _job_error_on_form(chosen, error):
                raise
        except (PersonalKeyRefused, EndpointNotFound) as error:
            # Learned now (capabilities): the page says so from here on, before anyone fills in a payload.
            chosen.add_error(None, error.user_message)
        else:
            messages.success(request, f"Job “{job_name}” started: its progress shows in these logs.")
            return htmx_redirect(request, "plugins:config_logs", config_id=config_id)
    if request.htmx and chosen is not None:
        return render(request, "plugins/config_job.html#job-form", {"config": config, "form": chosen})
    return render(
        request,
        "plugins/config_job.html",
        {"config": config, "name": selectors.config_name(config), "forms": forms},
    )


@require_POST
@posthog_page(OPERATE)
def config_migrate(request: HttpRequest, config_id: int) -> HttpResponse:
    """Newer PostHog turns a legacy plugin config into a hog function (and disables the config)."""
    try:
        function = services.plugin_config_migrate(context=request.posthog, config_id=config_id)
    except (ValidationError, PersonalKeyRefused, EndpointNotFound) as error:
        messages.error(request, error.user_message)
        return htmx_redirect(request, "plugins:config_detail", config_id=config_id)
    name = function.get("name") if isinstance(function, dict) else None
    messages.success(
        request,
        format_html(
            'PostHog made the hog function “{}” from this config and disabled the config. <a href="{}" '
            'target="_blank" rel="noopener">Open the destinations in PostHog ↗</a>',
            name or "unnamed",
            selectors.destinations_app_url(context=request.posthog),
        ),
    )
    return htmx_redirect(request, "plugins:config_detail", config_id=config_id)


def config_settings(config: dict, plugin: dict) -> list[Setting]:
    """The config's values in the plugin's schema order, then any the schema does not know; secrets only as set or not."""
    values = config.get("config") if isinstance(config.get("config"), dict) else {}
    entries = [entry for entry in schema_entries(plugin.get("config_schema")) if entry.key]
    known = {entry.key for entry in entries}
    entries += [SchemaEntry(key=key) for key in values if key not in known]
    return [_setting(entry, values.get(entry.key)) for entry in entries]


def _setting(entry: SchemaEntry, value) -> Setting:
    key, label = entry.key, entry.name or entry.key
    is_attachment = isinstance(value, dict) and "saved" in value and "size" in value
    if entry.secret or (isinstance(value, str) and value in SECRET_MASKS):
        return Setting(key, label, "secret", "set" if value not in (None, "", {}) else "not set")
    if is_attachment:
        size = value.get("size")
        known_size = size if isinstance(size, int) and size >= 0 else None
        return Setting(key, label, "attachment", str(value.get("name") or "attachment"), known_size)
    if value in (None, "", {}, []):
        return Setting(key, label, "empty")
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return Setting(key, label, "value", text)


def _job_error_on_form(form, error: ValidationError) -> bool:
    """PostHog names `job__payload` or `job__type`: on the payload field when there is one, else atop the form."""
    if form_error_from_upstream(form, error, prefix="job__"):
        return True
    if error.attr and error.attr.startswith("job"):
        form.add_error(None, error.user_message)
        return True
    return False


def _moment(value) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None


def _page_number(value) -> int:
    return int(value) if value and value.isdigit() and int(value) > 0 else 1
