"""One plugin config: its settings (secrets never shown), last error, activity, frontend, and its jobs."""

from functools import partial

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.connections.request import PortalRequest
from apps.core.htmx import wants_fragment
from apps.core.http import htmx_redirect
from apps.core.pages import form_write, posthog_page
from apps.core.parallel import together
from apps.core.params import page_number
from apps.core.roles import OPERATE, VIEW
from apps.plugins import selectors, services
from apps.plugins.forms.job import job_forms
from apps.plugins.presenters.configs import config_settings, frontend
from apps.posthog.errors import EndpointNotFound, PersonalKeyRefused, ValidationError
from apps.posthog.values import moment


@require_GET
@posthog_page(VIEW)
def config_detail(request: PortalRequest, config_id: int) -> HttpResponse:
    # The config and its secondary reads in one round trip; each secondary part says why it is missing, and the
    # page still shows.
    config, delivery, last_error = selectors.plugin_config_detail(context=request.posthog, config_id=config_id)
    plugin = selectors.config_plugin(config)
    unavailable = request.posthog.unavailable
    return render(
        request,
        "plugins/config_detail.html",
        {
            "config": config,
            "plugin": plugin,
            "name": selectors.config_name(config),
            "delivery": delivery,
            "last_error": last_error,
            "created": moment(config.get("created_at")),
            "updated": moment(config.get("updated_at")),
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
def config_activity(request: PortalRequest, config_id: int) -> HttpResponse:
    if refusal := request.posthog.unavailable.plugin_config_activity:
        return render(request, "core/unavailable.html", {"refusal": refusal, "title": "Activity is not available."})
    number = page_number(request.GET.get("page"))
    page = selectors.plugin_config_timeline_page(context=request.posthog, config_id=config_id, page=number)
    return render(
        request,
        "core/activity.html#timeline",
        {
            "items": page.items,
            "next_page": page.next,
            "more_url": request.path,
            "first_page": number == 1,
        },
    )


@require_GET
@posthog_page(VIEW)
def config_frontend(request: PortalRequest, config_id: int) -> HttpResponse:
    fragment = wants_fragment(request)
    if (refusal := request.posthog.unavailable.plugin_config_frontend) and fragment:
        return render(request, "core/unavailable.html", {"refusal": refusal, "title": "The frontend is not available."})
    posthog = request.posthog
    # The whole page names the config: read beside the frontend, not after it.
    reads = together(
        source=partial(selectors.plugin_config_frontend_get, context=posthog, config_id=config_id),
        config=(lambda: None)
        if fragment
        else partial(selectors.plugin_config_get, context=posthog, config_id=config_id),
    )
    context = {"config_id": config_id, "frontend": frontend(reads.value("source"))}
    if fragment:
        return render(request, "plugins/config_detail_frontend.html#frontend", context)
    name = selectors.config_name(reads.value("config"))
    return render(request, "plugins/config_detail_frontend.html", {**context, "name": name})


@require_http_methods(["GET", "POST"])
@posthog_page(OPERATE)
def config_job(request: PortalRequest, config_id: int) -> HttpResponse:
    config = selectors.plugin_config_get(context=request.posthog, config_id=config_id)
    name = selectors.config_name(config)
    if refusal := request.posthog.unavailable.plugin_config_job:
        # Known before anyone fills in a payload: PostHog refuses jobs to this key, or no longer has them.
        return render(
            request, "plugins/config_job.html", {"config": config, "name": name, "forms": [], "refusal": refusal}
        )
    job_name = request.POST.get("job_type") if request.method == "POST" else None
    forms = job_forms(selectors.config_plugin(config).get("public_jobs"), data=request.POST or None, selected=job_name)
    chosen = next((form for form in forms if form.job_name == job_name), None)
    if request.method == "POST" and chosen is None:
        messages.error(request, f"This plugin has no job named “{job_name}” (any more): nothing was started.")
        return htmx_redirect(request, "plugins:config_job", config_id=config_id)
    if chosen is not None and chosen.is_valid():
        try:
            # PostHog names `job__payload` or `job__type`: on the payload field when there is one, else atop the form.
            form_write(
                chosen,
                lambda: services.plugin_config_job_run(
                    context=request.posthog, config_id=config_id, job_type=chosen.job_name, payload=chosen.payload()
                ),
                prefix="job__",
            )
        except (PersonalKeyRefused, EndpointNotFound) as error:
            # Learned now (capabilities): the page says so from here on, before anyone fills in a payload.
            chosen.add_error(None, error.user_message)
        if not chosen.errors:
            messages.success(request, f"Job “{job_name}” started: its progress shows in these logs.")
            return htmx_redirect(request, "plugins:config_logs", config_id=config_id)
    if chosen is not None and wants_fragment(request):
        return render(request, "plugins/config_job.html#job-form", {"config": config, "form": chosen})
    return render(request, "plugins/config_job.html", {"config": config, "name": name, "forms": forms})


@require_POST
@posthog_page(OPERATE)
def config_migrate(request: PortalRequest, config_id: int) -> HttpResponse:
    """Newer PostHog turns a legacy plugin config into a hog function (and disables the config)."""
    try:
        function = services.plugin_config_migrate(context=request.posthog, config_id=config_id)
    except (ValidationError, PersonalKeyRefused, EndpointNotFound) as error:
        messages.error(request, error.user_message)
        return htmx_redirect(request, "plugins:config_detail", config_id=config_id)
    name = function.get("name") if isinstance(function, dict) else None
    function_id = function.get("id") if isinstance(function, dict) else None
    # The new function's page here (the hog functions area, by URL name: areas do not import each other); PostHog's
    # destinations page where PostHog answered no id.
    where = (
        reverse("hog_functions:detail", args=[function_id])
        if function_id
        else selectors.destinations_app_url(context=request.posthog)
    )
    messages.success(
        request,
        format_html(
            'PostHog made the hog function “{}” from this config and disabled the config. <a href="{}"{}>Open the '
            "hog function{}</a>",
            name or "unnamed",
            where,
            "" if function_id else mark_safe(' target="_blank" rel="noopener"'),
            "" if function_id else " in PostHog ↗",
        ),
    )
    return htmx_redirect(request, "plugins:config_detail", config_id=config_id)
