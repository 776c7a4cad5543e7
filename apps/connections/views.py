"""The portal's connections to PostHog: list, add, edit, replace the key, delete, test, what the key may do, which
projects history watches; and the switcher's choice of connection, project and environment."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.connections import presenters, selectors, services
from apps.connections.context import connection_default, context_select
from apps.connections.forms import ConnectionForm, ReplaceKeyForm, SwitchForm, WatchForm
from apps.connections.models import Connection
from apps.connections.request import PortalRequest
from apps.core.http import htmx_redirect
from apps.core.roles import ADMINISTER, VIEW

FORM_FIELDS = ("name", "host", "organization_id", "project_id", "environment_id")


@permission_required(VIEW, raise_exception=True)
def connection_list(request: PortalRequest) -> HttpResponse:
    context = {"connections": selectors.connection_list(), "default": connection_default()}
    return render(request, "connections/list.html", context)


@require_POST
@permission_required(ADMINISTER, raise_exception=True)
def connection_make_default(request: PortalRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(Connection, pk=pk)
    services.connection_make_default(actor=request.user, connection=connection)
    messages.success(
        request, f"“{connection.name}” is now the default: everyone who has not picked a connection works on it."
    )
    return htmx_redirect(request, "connections:list")


@permission_required(ADMINISTER, raise_exception=True)
def connection_create(request: PortalRequest) -> HttpResponse:
    form = ConnectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        connection = services.connection_create(
            actor=request.user, api_key=data["api_key"], **{k: data[k] for k in FORM_FIELDS}
        )
        context_select(request, connection=connection)
        _checked(request, connection, f"Connection “{connection.name}” saved.")
        return htmx_redirect(request, "connections:detail", pk=connection.pk)
    return render(request, "connections/form.html", {"form": form})


@permission_required(VIEW, raise_exception=True)
def connection_detail(request: PortalRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(Connection, pk=pk)
    watched, chosen = selectors.watch_choice_counts(connection=connection)
    context = {
        "connection": connection,
        "key_form": ReplaceKeyForm(),
        "watching": presenters.watch_summary(watched, chosen, watch_new=connection.watch_new_projects),
    }
    return render(request, "connections/detail.html", context)


@permission_required(ADMINISTER, raise_exception=True)
def connection_edit(request: PortalRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(Connection, pk=pk)
    form = ConnectionForm(request.POST or None, instance=connection)
    if request.method == "POST" and form.is_valid():
        host_before = connection.host
        services.connection_update(
            actor=request.user, connection=connection, data={k: form.cleaned_data[k] for k in FORM_FIELDS}
        )
        if connection.host != host_before:
            _checked(request, connection, f"Connection “{connection.name}” updated.")
        else:
            messages.success(request, f"Connection “{connection.name}” updated.")
        return htmx_redirect(request, "connections:detail", pk=connection.pk)
    return render(request, "connections/form.html", {"form": form, "connection": connection})


@require_POST
@permission_required(ADMINISTER, raise_exception=True)
def connection_replace_key(request: PortalRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(Connection, pk=pk)
    form = ReplaceKeyForm(request.POST)
    if form.is_valid():
        services.connection_replace_key(actor=request.user, connection=connection, api_key=form.cleaned_data["api_key"])
        _checked(request, connection, "API key replaced. The old key is no longer stored.")
        return htmx_redirect(request, "connections:detail", pk=connection.pk)
    return render(request, "connections/detail.html#replace-key", {"connection": connection, "key_form": form})


def _checked(request: PortalRequest, connection: Connection, saved: str) -> None:
    """A new connection, key or host is tested at once, so pages know what this key may do before anyone tries."""
    result = services.connection_test(connection=connection)
    if result.error is not None:
        messages.warning(request, f"{saved} The test failed: {result.error.user_message}")
        return
    refused = result.count("warn") + result.count("refused") + result.count("absent")
    found = f" Tested: the key works; {refused} limit{'s' if refused != 1 else ''} found." if refused else ""
    messages.success(request, saved + (found or " Tested: the key works."))


@require_POST
@permission_required(ADMINISTER, raise_exception=True)
def connection_delete(request: PortalRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(Connection, pk=pk)
    services.connection_delete(actor=request.user, connection=connection)
    messages.success(request, f"Connection “{connection.name}” deleted.")
    return htmx_redirect(request, "connections:list")


@require_POST
@permission_required(ADMINISTER, raise_exception=True)
def connection_test(request: PortalRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(Connection, pk=pk)
    result = services.connection_test(connection=connection)
    return render(request, "connections/detail.html#test-result", {"connection": connection, "result": result})


@require_http_methods(["GET", "POST"])
@permission_required(ADMINISTER, raise_exception=True)
def connection_watching(request: PortalRequest, pk: int) -> HttpResponse:
    """Which projects and environments the history pollers read: PostHog's list for the key, asked now."""
    connection = get_object_or_404(Connection, pk=pk)
    choices = selectors.watch_choices(connection=connection)
    form = WatchForm(request.POST or None, rows=choices.rows, watch_new=choices.watch_new)
    if request.method == "POST" and form.is_valid():
        services.watch_choices_save(
            actor=request.user, connection=connection, choices=form.choices(), watch_new=form.cleaned_data["watch_new"]
        )
        messages.success(request, f"Saved: the history pollers of “{connection.name}” watch what is ticked.")
        return htmx_redirect(request, "connections:watching", pk=connection.pk)
    context = {
        "connection": connection,
        "form": form,
        "choices": choices,
        "groups": presenters.watch_groups(choices.rows, ticked=form.ticked),
    }
    return render(request, "connections/watching.html", context)


@require_GET
@permission_required(VIEW, raise_exception=True)
def connection_capabilities(request: PortalRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(Connection, pk=pk)
    page = selectors.capabilities_page(connection=connection)
    context = {"connection": connection, "report": page.report, "groups": page.groups}
    return render(request, "connections/capabilities.html", context)


@require_POST
@permission_required(VIEW, raise_exception=True)
def context_switch(request: PortalRequest) -> HttpResponse:
    form = SwitchForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That connection no longer exists.")
        return htmx_redirect(request, "home")
    connection = form.cleaned_data["connection"]
    changed_connection = connection.pk != getattr(request.posthog.connection, "pk", None)
    context_select(
        request,
        connection=connection,
        project_id="" if changed_connection else form.cleaned_data["project_id"],
        environment_id="" if changed_connection else form.cleaned_data["environment_id"],
    )
    messages.info(request, f"Now working on {connection.name}.")
    next_url = request.POST.get("next", "")
    return htmx_redirect(request, "home", next_url=next_url)


@require_GET
@permission_required(VIEW, raise_exception=True)
def scope_picker(request: PortalRequest) -> HttpResponse:
    if not request.posthog.configured:
        return render(request, "connections/switcher.html#scope", {"options": None})
    return render(
        request, "connections/switcher.html#scope", {"options": selectors.scope_options(context=request.posthog)}
    )
