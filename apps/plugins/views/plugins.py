"""The organization's plugins: list, details, install, edit, upgrade, source, and their activity."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from apps.core.activity import activity_items
from apps.core.http import htmx_redirect
from apps.core.outcome import attempt
from apps.core.pages import form_error_from_upstream, posthog_page
from apps.core.roles import ADMINISTER, VIEW
from apps.plugins import selectors, services
from apps.plugins.schema import schema_entries
from apps.plugins.source import SourceForm, file_diffs, highlighted_files
from apps.posthog.errors import EndpointNotFound, PermissionDenied, PersonalKeyRefused, ValidationError

PLUGIN_TYPES = ("local", "custom", "repository", "source")


# What the pages show of a plugin ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PluginCard:
    id: int
    name: str
    description: str
    plugin_type: str
    tag: str
    latest_tag: str
    is_global: bool
    icon: str
    update_available: bool


def _web_link(url) -> str:
    """Only http(s) addresses become links or images: PostHog's text could name any scheme."""
    return url if isinstance(url, str) and url.lower().startswith(("https://", "http://")) else ""


def _card(plugin: dict) -> PluginCard:
    name = str(plugin.get("name") or f"Plugin {plugin['id']}")
    return PluginCard(
        id=plugin["id"],
        name=name,
        description=str(plugin.get("description") or ""),
        plugin_type=str(plugin.get("plugin_type") or ""),
        tag=str(plugin.get("tag") or ""),
        latest_tag=str(plugin.get("latest_tag") or ""),
        is_global=bool(plugin.get("is_global")),
        icon=_web_link(plugin.get("icon")),
        update_available=selectors.update_available(plugin),
    )


def _jobs(public_jobs) -> list[dict]:
    """[{name, fields: [{name, type, required, default}]}] from PostHog's {job: {payload: {field: spec}}}."""
    if not isinstance(public_jobs, dict):
        return []
    jobs = []
    for name, job in public_jobs.items():
        payload = job.get("payload") if isinstance(job, dict) and isinstance(job.get("payload"), dict) else {}
        fields = [
            {
                "name": key,
                "type": spec.get("type", ""),
                "required": bool(spec.get("required")),
                "default": spec.get("default"),
            }
            for key, spec in payload.items()
            if isinstance(spec, dict)
        ]
        jobs.append({"name": name, "fields": fields})
    return jobs


def _capabilities(capabilities) -> list[tuple[str, list[str]]]:
    capabilities = capabilities if isinstance(capabilities, dict) else {}
    labels = (("methods", "Methods"), ("jobs", "Jobs"), ("scheduled_tasks", "Scheduled tasks"))
    return [(label, [str(item) for item in capabilities.get(key) or []]) for key, label in labels]


def _matches(item: dict, query: str) -> bool:
    """The search boxes look in names and descriptions, ignoring case."""
    needle = query.casefold()
    return needle in str(item.get("name") or "").casefold() or needle in str(item.get("description") or "").casefold()


def _partial(request, template: str, fragment: str) -> str:
    """The fragment for htmx swaps; the whole page otherwise (and when htmx restores history)."""
    htmx = getattr(request, "htmx", None)
    return f"{template}#{fragment}" if htmx and not htmx.history_restore_request else template


# Forms ------------------------------------------------------------------------------------------------------


class RepositoryInstallForm(forms.Form):
    url = forms.CharField(widget=forms.HiddenInput, max_length=800)

    def payload(self) -> dict:
        return {"url": self.cleaned_data["url"], "plugin_type": "repository"}


class UrlInstallForm(forms.Form):
    url = forms.CharField(
        label="Repository or package URL",
        max_length=800,
        help_text="A GitHub or GitLab repository (optionally …/tree/<tag>) or an npm package page.",
        widget=forms.TextInput(attrs={"placeholder": "https://github.com/PostHog/…", "inputmode": "url"}),
    )

    def payload(self) -> dict:
        return {"url": self.cleaned_data["url"].strip()}


class SourceInstallForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="PostHog starts it with a plugin.json and an index.ts you can then edit here.",
    )

    def payload(self) -> dict:
        return {"plugin_type": "source", "name": self.cleaned_data["name"]}


INSTALL_FORMS = {"repository": RepositoryInstallForm, "url": UrlInstallForm, "source": SourceInstallForm}


class PluginEditForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    icon = forms.URLField(label="Icon URL", required=False, max_length=800, assume_scheme="https")
    is_global = forms.BooleanField(
        label="Global: every organization on this PostHog can use it",
        required=False,
        help_text="A global plugin cannot be uninstalled; make it local first.",
    )

    def payload(self) -> dict:
        return {**self.cleaned_data, "icon": self.cleaned_data["icon"] or None}


# Views ------------------------------------------------------------------------------------------------------


@require_GET
@posthog_page(VIEW)
def plugin_list(request):
    query = request.GET.get("q", "").strip()
    plugin_type = request.GET.get("type", "")
    plugin_type = plugin_type if plugin_type in PLUGIN_TYPES else ""
    plugins = selectors.plugin_list(context=request.posthog)
    shown = [
        _card(plugin)
        for plugin in plugins
        if (not plugin_type or plugin.get("plugin_type") == plugin_type) and _matches(plugin, query)
    ]
    shown.sort(key=lambda card: card.name.casefold())
    context = {
        "plugins": shown,
        "total": len(plugins),
        "query": query,
        "plugin_type": plugin_type,
        "types": PLUGIN_TYPES,
    }
    return render(request, _partial(request, "plugins/plugin_list.html", "results"), context)


@require_GET
@posthog_page(VIEW)
def plugin_detail(request: HttpRequest, plugin_id: int) -> HttpResponse:
    plugin = selectors.plugin_get(context=request.posthog, plugin_id=plugin_id)
    unavailable = request.posthog.unavailable
    refusals = {action: unavailable.get(action) for action in PLUGIN_ACTIONS}
    return render(request, "plugins/plugin_detail.html", {**_detail_context(plugin), "refusals": refusals})


# The plugin page's actions that PostHog may refuse to this key or organization (capabilities).
PLUGIN_ACTIONS = (
    "plugin_edit",
    "plugin_uninstall",
    "plugin_check_for_updates",
    "plugin_upgrade",
    "plugin_source",
    "plugin_update_source",
)


def _detail_context(plugin: dict) -> dict:
    metrics = plugin.get("metrics") if isinstance(plugin.get("metrics"), dict) else {}
    return {
        "plugin": plugin,
        "card": _card(plugin),
        "link": _web_link(plugin.get("url")),
        "schema": schema_entries(plugin.get("config_schema")),
        "capabilities": _capabilities(plugin.get("capabilities")),
        "metrics": sorted(metrics.items()),
        "jobs": _jobs(plugin.get("public_jobs")),
    }


@require_GET
@posthog_page(VIEW)
def plugin_usage(request, plugin_id: int):
    usage = selectors.plugin_usage(context=request.posthog, plugin_id=plugin_id)
    current = str(request.posthog.project_id)
    rows = [
        {
            "project": entry["project"],
            "config": entry["config"],
            "name": selectors.config_name(entry["config"]),
            "current": str(entry["project"].get("id")) == current,
        }
        for entry in usage
    ]
    return render(request, "plugins/plugin_detail.html#usage", {"rows": rows})


@posthog_page(ADMINISTER)
def plugin_install(request):
    how = request.POST.get("how") if request.method == "POST" else None
    forms_by_how = {
        name: form_class(request.POST if name == how else None, prefix=name)
        for name, form_class in INSTALL_FORMS.items()
    }
    form = forms_by_how.get(how)
    if form is not None and form.is_valid():
        try:
            plugin = services.plugin_install(context=request.posthog, data=form.payload())
        except ValidationError as error:
            # A repository entry's button has no field to show it on: PostHog's words go to the banner.
            if how == "repository" or not form_error_from_upstream(form, error):
                raise
        except PermissionDenied as error:
            # The plugin access level or the key: learned now, so the page says so before the next attempt.
            if how == "repository":
                messages.error(request, error.user_message)
                return htmx_redirect(request, "plugins:install")
            form.add_error(None, error.user_message)
        else:
            messages.success(request, f"Installed “{plugin.get('name') or plugin['id']}”.")
            return htmx_redirect(request, "plugins:detail", plugin_id=plugin["id"])
    if request.htmx and how in ("url", "source"):
        return render(request, f"plugins/plugin_install.html#{how}-form", {"form": form})
    query = request.GET.get("q", "").strip()
    unavailable = request.posthog.unavailable
    repository_refusal = unavailable.plugin_repository
    context = {
        "forms": forms_by_how,
        "query": query,
        # The repository is one part of the page: when PostHog refuses it, the other ways to install remain.
        "entries": None if repository_refusal else attempt(lambda: _repository_entries(request, query)),
        "repository_refusal": repository_refusal,
        "install_refusal": unavailable.plugin_install,
    }
    return render(request, _partial(request, "plugins/plugin_install.html", "repository"), context)


def _repository_entries(request, query: str) -> list[dict]:
    """PostHog's repository, narrowed by the search, each marked whether a plugin from its URL is installed."""
    installed = {str(p.get("url") or "").rstrip("/").lower() for p in selectors.plugin_list(context=request.posthog)}
    return [
        {
            **entry,
            "installed": str(entry.get("url") or "").rstrip("/").lower() in installed,
            "icon": _web_link(entry.get("icon")),
        }
        for entry in selectors.plugin_repository(context=request.posthog)
        if _matches(entry, query)
    ]


@posthog_page(ADMINISTER)
def plugin_edit(request, plugin_id: int):
    plugin = selectors.plugin_get(context=request.posthog, plugin_id=plugin_id)
    initial = {name: plugin.get(name) for name in PluginEditForm.base_fields}
    form = PluginEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plugin_update(context=request.posthog, plugin_id=plugin_id, data=form.payload())
        except ValidationError as error:
            if not form_error_from_upstream(form, error):
                raise
        else:
            messages.success(request, f"Saved “{form.cleaned_data['name']}”.")
            return htmx_redirect(request, "plugins:detail", plugin_id=plugin_id)
    context = {"plugin": plugin, "card": _card(plugin), "form": form}
    return render(request, _partial(request, "plugins/plugin_edit.html", "form"), context)


@require_POST
@posthog_page(ADMINISTER)
def plugin_delete(request, plugin_id: int):
    plugin = selectors.plugin_get(context=request.posthog, plugin_id=plugin_id)
    try:
        services.plugin_delete(context=request.posthog, plugin_id=plugin_id)
    except (ValidationError, PermissionDenied) as error:
        # PostHog refuses to uninstall a global plugin (its words say what to do), or the access level refuses.
        messages.error(request, error.user_message)
        return htmx_redirect(request, "plugins:detail", plugin_id=plugin_id)
    messages.success(request, f"Uninstalled “{_card(plugin).name}” and removed its configs from every project.")
    return htmx_redirect(request, "plugins:list")


@require_POST
@posthog_page(ADMINISTER)
def plugin_check_for_updates(request, plugin_id: int):
    try:
        plugin = services.plugin_updates_check(context=request.posthog, plugin_id=plugin_id)
    except PermissionDenied as error:
        plugin = selectors.plugin_get(context=request.posthog, plugin_id=plugin_id)
        context = {"plugin": plugin, "card": _card(plugin), "result_error": error}
        return render(request, "plugins/plugin_detail.html#version", context)
    card = _card(plugin)
    result = f"Version {card.latest_tag} available." if card.update_available else "Up to date."
    return render(request, "plugins/plugin_detail.html#version", {"plugin": plugin, "card": card, "result": result})


@posthog_page(ADMINISTER)
def plugin_upgrade(request, plugin_id: int):
    plugin = selectors.plugin_get(context=request.posthog, plugin_id=plugin_id)
    refusal = request.posthog.unavailable.plugin_upgrade
    if request.method != "POST" or refusal:
        context = {"plugin": plugin, "card": _card(plugin), "link": _web_link(plugin.get("url")), "refusal": refusal}
        return render(request, "plugins/plugin_upgrade.html", context)
    try:
        upgraded = services.plugin_upgrade(context=request.posthog, plugin_id=plugin_id)
    except PermissionDenied as error:
        messages.error(request, error.user_message)
        return htmx_redirect(request, "plugins:upgrade", plugin_id=plugin_id)
    before, after = plugin.get("tag"), upgraded.get("tag")
    if after != before:
        messages.success(request, f"Upgraded “{_card(upgraded).name}” from {before} to {after}.")
    else:
        messages.info(request, f"“{_card(upgraded).name}” is already at the newest version PostHog knows of.")
    return htmx_redirect(request, "plugins:detail", plugin_id=plugin_id)


@require_GET
@posthog_page(VIEW)
def plugin_source(request: HttpRequest, plugin_id: int) -> HttpResponse:
    plugin = selectors.plugin_get(context=request.posthog, plugin_id=plugin_id)
    refusal = request.posthog.unavailable.plugin_source
    source = (
        None if refusal else attempt(lambda: selectors.plugin_source_get(context=request.posthog, plugin_id=plugin_id))
    )
    context = {
        "plugin": plugin,
        "card": _card(plugin),
        "refusal": refusal,
        "source_error": source.error if source else None,
        "files": highlighted_files(source.value) if source and source.ok else [],
        "edit_refusal": request.posthog.unavailable.plugin_update_source,
    }
    return render(request, "plugins/plugin_source.html", context)


@posthog_page(ADMINISTER)
def plugin_source_edit(request, plugin_id: int):
    """Edit, preview the diff, then save: every step posts the whole form, so no text is lost on the way."""
    plugin = selectors.plugin_get(context=request.posthog, plugin_id=plugin_id)
    unavailable = request.posthog.unavailable
    refusal = unavailable.plugin_source or unavailable.plugin_update_source
    source = (
        None if refusal else attempt(lambda: selectors.plugin_source_get(context=request.posthog, plugin_id=plugin_id))
    )
    if refusal or not source.ok:
        context = {
            "plugin": plugin,
            "card": _card(plugin),
            "refusal": refusal,
            "source_error": source.error if source else None,
            "files": [],
        }
        return render(request, "plugins/plugin_source.html", context)
    source = source.value
    form = SourceForm(request.POST if request.method == "POST" else None, source=source)
    step = request.POST.get("step", "edit")
    context = {"plugin": plugin, "card": _card(plugin), "form": form}
    if step in ("preview", "save") and form.is_valid():
        changes = form.changes()
        if not changes:
            form.add_error(None, "Nothing is changed yet.")
        elif step == "preview":
            context["diffs"] = file_diffs(source, changes)
        else:
            try:
                services.plugin_source_update(context=request.posthog, plugin_id=plugin_id, files=changes)
            except ValidationError as error:
                if not form_error_from_upstream(form, error, fields=form.error_fields()):
                    raise
            except PermissionDenied as error:
                form.add_error(None, error.user_message)  # the edits stay in the form
            else:
                messages.success(request, f"Saved {len(changes)} changed file(s) of “{context['card'].name}”.")
                return htmx_redirect(request, "plugins:source", plugin_id=plugin_id)
    return render(request, _partial(request, "plugins/plugin_source_edit.html", "editor"), context)


@require_GET
@posthog_page(VIEW)
def plugin_activity(request: HttpRequest) -> HttpResponse:
    if refusal := request.posthog.unavailable.plugin_activity:
        return render(request, "plugins/plugin_activity.html", {"refusal": refusal, "items": []})
    page_number = _page_number(request.GET.get("page"))
    try:
        page = selectors.plugin_activity_page(context=request.posthog, page=page_number)
    except (PersonalKeyRefused, EndpointNotFound) as error:
        return render(request, "plugins/plugin_activity.html", {"refusal": None, "refused": error, "items": []})
    context = {
        "items": activity_items(page.items),
        "next_page": page.next,
        "more_url": reverse("plugins:activity"),
        "first_page": page_number == 1,
    }
    if request.htmx and page_number > 1:
        return render(request, "core/activity.html#timeline", context)
    return render(request, "plugins/plugin_activity.html", context)


def _page_number(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1
