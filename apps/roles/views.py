"""The organization's roles: list with members, create, rename and delete (Admins only)."""

from django.contrib import messages
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from apps.core.http import htmx_redirect
from apps.core.pages import form_error_from_upstream, posthog_page
from apps.core.roles import ADMINISTER, VIEW
from apps.posthog.errors import ValidationError
from apps.roles import selectors, services
from apps.roles.forms import RoleForm


def _form_template(request) -> str:
    """The form alone for htmx posts (errors swap in place); the whole page otherwise."""
    return "roles/form.html#form" if request.htmx else "roles/form.html"


@require_GET
@posthog_page(VIEW)
def role_list(request):
    return render(request, "roles/list.html", {"roles": selectors.role_list(context=request.posthog)})


@require_GET
@posthog_page(VIEW)
def role_detail(request, role_id):
    return render(request, "roles/detail.html", {"role": selectors.role_get(context=request.posthog, role_id=role_id)})


@require_http_methods(["GET", "POST"])
@posthog_page(ADMINISTER)
def role_create(request):
    form = RoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            role = services.role_create(context=request.posthog, name=form.cleaned_data["name"])
        except ValidationError as error:
            if not form_error_from_upstream(form, error):
                raise
        else:
            messages.success(request, f"Created the role “{form.cleaned_data['name']}”.")
            return htmx_redirect(request, "roles:detail", role_id=role["id"])
    return render(request, _form_template(request), {"form": form})


@require_http_methods(["GET", "POST"])
@posthog_page(ADMINISTER)
def role_rename(request, role_id):
    role = selectors.role_get(context=request.posthog, role_id=role_id)
    form = RoleForm(request.POST or None, initial={"name": role.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.role_update(context=request.posthog, role_id=role.id, data={"name": form.cleaned_data["name"]})
        except ValidationError as error:
            if not form_error_from_upstream(form, error):
                raise
        else:
            messages.success(request, f"Renamed “{role.name}” to “{form.cleaned_data['name']}”.")
            return htmx_redirect(request, "roles:detail", role_id=role.id)
    return render(request, _form_template(request), {"form": form, "role": role})


@require_http_methods(["GET", "POST"])
@posthog_page(ADMINISTER)
def role_delete(request, role_id):
    """GET asks for confirmation (where the Delete link leads without JavaScript); POST deletes."""
    role = selectors.role_get(context=request.posthog, role_id=role_id)
    if request.method == "GET":
        return render(request, "roles/delete.html", {"role": role})
    services.role_delete(context=request.posthog, role_id=role.id)
    messages.success(request, f"Deleted the role “{role.name}”.")
    return htmx_redirect(request, "roles:list")
