"""The organization's roles: list with members, create, rename and delete (Admins only)."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from apps.connections.request import PortalRequest
from apps.core.forms import NO_CHANGES
from apps.core.htmx import fragment_or_page
from apps.core.http import htmx_redirect
from apps.core.pages import form_write, posthog_page
from apps.core.roles import ADMINISTER, VIEW
from apps.roles import selectors, services
from apps.roles.forms import RoleForm

FORM = "roles/form.html"


@require_GET
@posthog_page(VIEW)
def role_list(request: PortalRequest) -> HttpResponse:
    return render(request, "roles/list.html", {"roles": selectors.role_list(context=request.posthog)})


@require_GET
@posthog_page(VIEW)
def role_detail(request: PortalRequest, role_id: UUID) -> HttpResponse:
    role = selectors.role_get(context=request.posthog, role_id=str(role_id))
    return render(request, "roles/detail.html", {"role": role})


@require_http_methods(["GET", "POST"])
@posthog_page(ADMINISTER)
def role_create(request: PortalRequest) -> HttpResponse:
    form = RoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        role = form_write(form, lambda: services.role_create(context=request.posthog, name=name))
        if role is not None:
            messages.success(request, f"Created the role “{name}”.")
            return htmx_redirect(request, "roles:detail", role_id=role["id"])
    # An htmx post swaps the form alone, its errors in place.
    return render(request, fragment_or_page(request, FORM, "form"), {"form": form})


@require_http_methods(["GET", "POST"])
@posthog_page(ADMINISTER)
def role_rename(request: PortalRequest, role_id: UUID) -> HttpResponse:
    role = selectors.role_get(context=request.posthog, role_id=str(role_id))
    form = RoleForm(request.POST or None, initial={"name": role.name})
    if request.method == "POST" and form.is_valid() and not form.payload():
        messages.info(request, NO_CHANGES)
        return htmx_redirect(request, "roles:detail", role_id=role.id)
    if request.method == "POST" and form.is_valid():
        name, data = form.cleaned_data["name"], form.payload()
        form_write(form, lambda: services.role_update(context=request.posthog, role_id=role.id, data=data))
        if not form.errors:
            messages.success(request, f"Renamed “{role.name}” to “{name}”.")
            return htmx_redirect(request, "roles:detail", role_id=role.id)
    return render(request, fragment_or_page(request, FORM, "form"), {"form": form, "role": role})


@require_http_methods(["GET", "POST"])
@posthog_page(ADMINISTER)
def role_delete(request: PortalRequest, role_id: UUID) -> HttpResponse:
    """GET asks for confirmation (where the Delete link leads without JavaScript); POST deletes."""
    role = selectors.role_get(context=request.posthog, role_id=str(role_id))
    if request.method == "GET":
        return render(request, "roles/delete.html", {"role": role})
    services.role_delete(context=request.posthog, role_id=role.id)
    messages.success(request, f"Deleted the role “{role.name}”.")
    return htmx_redirect(request, "roles:list")
