"""The organization's plugins: list, details, install, edit, upgrade, source, and their activity."""

from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST

from apps.connections.capabilities import Refusal
from apps.connections.request import PortalRequest
from apps.connections.selectors import project_list
from apps.core.forms import NO_CHANGES
from apps.core.htmx import render_fragment_or_page, wants_fragment
from apps.core.http import htmx_redirect
from apps.core.outcome import Outcome
from apps.core.pages import form_write, posthog_page
from apps.core.parallel import Together, together
from apps.core.params import page_number
from apps.core.roles import ADMINISTER, VIEW
from apps.plugins import selectors, services
from apps.plugins.forms.plugins import PluginEditForm, install_forms
from apps.plugins.forms.source import SourceForm
from apps.plugins.presenters.plugins import (
    PLUGIN_TYPES,
    RepositoryEntry,
    plugin_capabilities,
    plugin_card,
    plugin_cards,
    plugin_jobs,
    plugin_metrics,
    repository_entries,
    web_link,
)
from apps.plugins.presenters.source import file_diffs, highlighted_files
from apps.plugins.presenters.versions import plugin_upgrade_view
from apps.plugins.schema import schema_entries
from apps.posthog.errors import EndpointNotFound, PermissionDenied, PersonalKeyRefused, PostHogError, ValidationError

# The plugin page's actions that PostHog may refuse to this key or organization (capabilities).
# The projects a usage part is asked about at most, as many as the project list holds (project_list).
MAX_PROJECTS = 200
PLUGIN_ACTIONS = (
    "plugin_edit",
    "plugin_uninstall",
    "plugin_check_for_updates",
    "plugin_upgrade",
    "plugin_source",
    "plugin_update_source",
)


@require_GET
@posthog_page(VIEW)
def plugin_list(request: PortalRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    plugin_type = request.GET.get("type", "")
    plugin_type = plugin_type if plugin_type in PLUGIN_TYPES else ""
    reads = _with_configured_here(request, plugins=partial(selectors.plugin_list, context=request.posthog))
    plugins = reads.value("plugins")
    cards = plugin_cards(plugins, query=query, plugin_type=plugin_type)
    configured = reads["configured"].value
    context = {
        "plugins": cards,
        # The plugins this project has no config of; none when PostHog would not say which it has.
        "addable": {card.id for card in cards if card.id not in configured} if configured is not None else set(),
        "total": len(plugins),
        "query": query,
        "plugin_type": plugin_type,
        "types": PLUGIN_TYPES,
    }
    return render_fragment_or_page(request, "plugins/plugin_list.html", context, fragment="results")


@require_GET
@posthog_page(VIEW)
def plugin_detail(request: PortalRequest, plugin_id: int) -> HttpResponse:
    # The organization's projects (cached) beside the plugin: the usage part, loaded after, then reads their configs
    # beside their names, in one round trip rather than two.
    reads = _with_configured_here(
        request,
        plugin=partial(selectors.plugin_get, context=request.posthog, plugin_id=plugin_id),
        projects=partial(project_list, context=request.posthog),
    )
    plugin = reads.value("plugin")
    projects = reads["projects"].value or []
    unavailable = request.posthog.unavailable
    context = {
        "plugin": plugin,
        "card": plugin_card(plugin),
        "link": web_link(plugin.get("url")),
        "schema": schema_entries(plugin.get("config_schema")),
        "capabilities": plugin_capabilities(plugin.get("capabilities")),
        "metrics": plugin_metrics(plugin.get("metrics")),
        "jobs": plugin_jobs(plugin.get("public_jobs")),
        "refusals": {action: unavailable.get(action) for action in PLUGIN_ACTIONS},
        "usage_query": urlencode([("project", project_id) for project_id, _ in projects]),
    }
    if (configured := reads["configured"].value) is not None:
        context.update(addable=plugin_id not in configured, config_here=configured.get(plugin_id))
    return render(request, "plugins/plugin_detail.html", context)


def _with_configured_here(request: PortalRequest, **reads: Callable[[], Any]) -> Together:
    """The page's reads, and beside them `configured`: {plugin id: its config} in this project, so a plugin without
    one offers "Add to this project"; its value is None when PostHog would not say (no action is offered then,
    rather than one that may duplicate a config)."""
    return together(**reads, configured=partial(selectors.plugin_config_ids_by_plugin, context=request.posthog))


@require_GET
@posthog_page(VIEW)
def plugin_usage(request: PortalRequest, plugin_id: int) -> HttpResponse:
    project_ids = [project_id for project_id in request.GET.getlist("project")[:MAX_PROJECTS] if project_id.isdigit()]
    rows = selectors.plugin_usage(context=request.posthog, plugin_id=plugin_id, project_ids=project_ids)
    return render(request, "plugins/plugin_detail.html#usage", {"rows": rows})


@posthog_page(ADMINISTER)
def plugin_install(request: PortalRequest) -> HttpResponse:
    how = request.POST.get("how") if request.method == "POST" else None
    forms = install_forms(request.POST, how=how)
    form = forms.get(how) if how else None
    if form is not None and form.is_valid():
        data = form.payload()
        plugin: dict[str, Any] | None
        try:
            if how == "repository":
                # A repository entry's button has no field to show PostHog's refusal on: its words come back with
                # the install page, with or without JavaScript (never the "could not answer" page).
                plugin = services.plugin_install(context=request.posthog, data=data)
            else:
                plugin = form_write(form, lambda: services.plugin_install(context=request.posthog, data=data))
        except PostHogError as error:
            # A refusal (the plugin access level or the key is learned now, so the page says so before the next
            # attempt), or any failure of the repository button.
            messages.error(request, error.user_message)
            return htmx_redirect(request, "plugins:install")
        else:
            if plugin is not None:
                # A new plugin runs nowhere yet: the message, and the plugin's page the redirect opens, lead on to
                # adding it to this project.
                add_url = f"{reverse('plugins:config_create')}?plugin={plugin['id']}"
                messages.success(
                    request,
                    format_html(
                        'Installed “{}”. It runs in no project yet: <a href="{}">add it to this project</a>.',
                        plugin.get("name") or plugin["id"],
                        add_url,
                    ),
                )
                return htmx_redirect(request, "plugins:detail", plugin_id=plugin["id"])
    if how in ("url", "source") and wants_fragment(request):
        return render(request, f"plugins/plugin_install.html#{how}-form", {"form": form})
    query = request.GET.get("q", "").strip()
    posthog = request.posthog
    repository_refusal = posthog.unavailable.plugin_repository
    context = {
        "forms": forms,
        "query": query,
        # The repository is one part of the page: when PostHog refuses it, the other ways to install remain.
        "entries": None if repository_refusal else _repository(request, query),
        "repository_refusal": repository_refusal,
        "install_refusal": posthog.unavailable.plugin_install,
    }
    return render_fragment_or_page(request, "plugins/plugin_install.html", context, fragment="repository")


@posthog_page(ADMINISTER)
def plugin_edit(request: PortalRequest, plugin_id: int) -> HttpResponse:
    plugin = selectors.plugin_get(context=request.posthog, plugin_id=plugin_id)
    form = PluginEditForm(request.POST or None, initial=PluginEditForm.initial_for(plugin))
    if request.method == "POST" and form.is_valid() and not form.payload():
        messages.info(request, NO_CHANGES)
        return htmx_redirect(request, "plugins:detail", plugin_id=plugin_id)
    if request.method == "POST" and form.is_valid():
        form_write(
            form, lambda: services.plugin_update(context=request.posthog, plugin_id=plugin_id, data=form.payload())
        )
        if not form.errors:
            messages.success(request, f"Saved “{form.cleaned_data['name']}”.")
            return htmx_redirect(request, "plugins:detail", plugin_id=plugin_id)
    context = {"plugin": plugin, "card": plugin_card(plugin), "form": form}
    return render_fragment_or_page(request, "plugins/plugin_edit.html", context, fragment="form")


@require_POST
@posthog_page(ADMINISTER)
def plugin_delete(request: PortalRequest, plugin_id: int) -> HttpResponse:
    plugin = selectors.plugin_get(context=request.posthog, plugin_id=plugin_id)
    try:
        services.plugin_delete(context=request.posthog, plugin_id=plugin_id)
    except (ValidationError, PermissionDenied) as error:
        # PostHog refuses to uninstall a global plugin (its words say what to do), or the access level refuses.
        messages.error(request, error.user_message)
        return htmx_redirect(request, "plugins:detail", plugin_id=plugin_id)
    messages.success(request, f"Uninstalled “{plugin_card(plugin).name}” and removed its configs from every project.")
    return htmx_redirect(request, "plugins:list")


@require_POST
@posthog_page(ADMINISTER)
def plugin_check_for_updates(request: PortalRequest, plugin_id: int) -> HttpResponse:
    try:
        plugin = services.plugin_updates_check(context=request.posthog, plugin_id=plugin_id)
    except PermissionDenied as error:
        plugin = selectors.plugin_get(context=request.posthog, plugin_id=plugin_id)
        context = {"plugin": plugin, "card": plugin_card(plugin), "result_error": error}
        return render(request, "plugins/plugin_detail.html#version", context)
    card = plugin_card(plugin)
    result = f"Version {card.latest_tag} available." if card.update_available else "Up to date."
    return render(request, "plugins/plugin_detail.html#version", {"plugin": plugin, "card": card, "result": result})


@posthog_page(ADMINISTER)
def plugin_upgrade(request: PortalRequest, plugin_id: int) -> HttpResponse:
    plugin = selectors.plugin_get(context=request.posthog, plugin_id=plugin_id)
    refusal = request.posthog.unavailable.plugin_upgrade
    if request.method != "POST" or refusal:
        context = {
            "plugin": plugin,
            "card": plugin_card(plugin),
            "link": web_link(plugin.get("url")),
            "upgrade": plugin_upgrade_view(plugin),
            "refusal": refusal,
        }
        return render(request, "plugins/plugin_upgrade.html", context)
    try:
        upgraded = services.plugin_upgrade(context=request.posthog, plugin_id=plugin_id)
    except PermissionDenied as error:
        messages.error(request, error.user_message)
        return htmx_redirect(request, "plugins:upgrade", plugin_id=plugin_id)
    before, after = plugin.get("tag"), upgraded.get("tag")
    name = plugin_card(upgraded).name
    if after != before:
        messages.success(request, f"Upgraded “{name}” from {before} to {after}.")
    else:
        messages.info(request, f"“{name}” is already at the newest version PostHog knows of.")
    return htmx_redirect(request, "plugins:detail", plugin_id=plugin_id)


@require_GET
@posthog_page(VIEW)
def plugin_source(request: PortalRequest, plugin_id: int) -> HttpResponse:
    refusal = request.posthog.unavailable.plugin_source
    plugin, source = _plugin_and_source(request, plugin_id, refusal=refusal)
    return _source_page(request, plugin, refusal=refusal, source=source)


@posthog_page(ADMINISTER)
def plugin_source_edit(request: PortalRequest, plugin_id: int) -> HttpResponse:
    """Edit, preview the diff, then save: every step posts the whole form, so no text is lost on the way."""
    unavailable = request.posthog.unavailable
    refusal = unavailable.plugin_source or unavailable.plugin_update_source
    plugin, source = _plugin_and_source(request, plugin_id, refusal=refusal)
    files = source.value if source is not None and source.ok else None
    if files is None:
        return _source_page(request, plugin, refusal=refusal, source=source)
    form = SourceForm(request.POST if request.method == "POST" else None, source=files)
    step = request.POST.get("step", "edit")
    card = plugin_card(plugin)
    context: dict[str, Any] = {"plugin": plugin, "card": card, "form": form}
    if step in ("preview", "save") and form.is_valid():
        changes = form.changes()
        if not changes:
            form.add_error(None, NO_CHANGES)  # nothing is sent: the editor stays open
        elif step == "preview":
            context["diffs"] = file_diffs(files, changes)
        else:
            try:
                form_write(
                    form,
                    lambda: services.plugin_source_update(context=request.posthog, plugin_id=plugin_id, files=changes),
                    fields=form.error_fields(),
                )
            except PermissionDenied as error:
                form.add_error(None, error.user_message)  # the edits stay in the form
            if not form.errors:
                messages.success(request, f"Saved {len(changes)} changed file(s) of “{card.name}”.")
                return htmx_redirect(request, "plugins:source", plugin_id=plugin_id)
    return render_fragment_or_page(request, "plugins/plugin_source_edit.html", context, fragment="editor")


def _repository(request: PortalRequest, query: str) -> Outcome[list[RepositoryEntry]]:
    """The repository's entries, each marked installed or not: both lists read at once, either failing fails it."""
    reads = together(
        installed=partial(selectors.plugin_list, context=request.posthog),
        repository=partial(selectors.plugin_repository, context=request.posthog),
    )
    if failed := reads["installed"].error or reads["repository"].error:
        return Outcome(error=failed)
    installed, repository = reads.value("installed"), reads.value("repository")
    return Outcome(value=repository_entries(installed=installed, repository=repository, query=query))


def _plugin_and_source(
    request: PortalRequest, plugin_id: int, *, refusal: Refusal | None
) -> tuple[dict[str, Any], Outcome[dict[str, str]] | None]:
    """The plugin, and beside it its source or why PostHog did not give it; None where it is known to refuse the
    source to this key."""
    context = request.posthog
    reads = together(
        plugin=partial(selectors.plugin_get, context=context, plugin_id=plugin_id),
        source=partial(selectors.plugin_source_get, context=context, plugin_id=plugin_id)
        if not refusal
        else lambda: None,
    )
    return reads.value("plugin"), None if refusal else reads["source"]


def _source_page(
    request: PortalRequest, plugin: dict[str, Any], *, refusal: Refusal | None, source: Outcome[dict[str, str]] | None
) -> HttpResponse:
    context = {
        "plugin": plugin,
        "card": plugin_card(plugin),
        "refusal": refusal,
        "source_error": source.error if source else None,
        "files": highlighted_files(source.value) if source and source.value is not None else [],
        "edit_refusal": request.posthog.unavailable.plugin_update_source,
    }
    return render(request, "plugins/plugin_source.html", context)


@require_GET
@posthog_page(VIEW)
def plugin_activity(request: PortalRequest) -> HttpResponse:
    if refusal := request.posthog.unavailable.plugin_activity:
        return render(request, "plugins/plugin_activity.html", {"refusal": refusal, "items": []})
    number = page_number(request.GET.get("page"))
    try:
        page = selectors.plugin_timeline_page(context=request.posthog, page=number)
    except (PersonalKeyRefused, EndpointNotFound) as error:
        return render(request, "plugins/plugin_activity.html", {"refusal": None, "refused": error, "items": []})
    context = {
        "items": page.items,
        "next_page": page.next,
        "more_url": reverse("plugins:activity"),
        "first_page": number == 1,
    }
    if wants_fragment(request) and number > 1:
        return render(request, "core/activity.html#timeline", context)
    return render(request, "plugins/plugin_activity.html", context)
