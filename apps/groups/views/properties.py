"""A group's properties: set one in place, add one, delete one; names and values offered while typing."""

from django.contrib import messages
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.http import htmx_redirect
from apps.core.outcome import attempt
from apps.core.pages import form_error_from_upstream, posthog_page
from apps.core.roles import ADMINISTER, OPERATE, VIEW
from apps.groups import selectors, services
from apps.groups.forms import PROPERTY_FIELDS, PropertyForm, PropertyValueForm
from apps.groups.links import group_url
from apps.groups.values import value_text
from apps.groups.views.detail import (
    DETAIL,
    add_form_context,
    detail_context,
    group_key_of,
    property_name_of,
    property_row,
)
from apps.posthog.errors import ValidationError


def _saved(request, form, *, type_index: int, key: str, name: str) -> bool:
    """Sends the value to PostHog; a refusal lands on the field it names, else atop the form."""
    try:
        services.group_property_update(
            context=request.posthog,
            group_type_index=type_index,
            group_key=key,
            key=name,
            value=form.cleaned_data["value"],
        )
    except ValidationError as error:
        if not form_error_from_upstream(form, error, fields=PROPERTY_FIELDS):
            form.add_error(None, error.detail)
        return False
    messages.success(request, f"Saved “{name}”.")
    return True


def _back_to_group(request, type_index: int, key: str):
    return htmx_redirect(request, group_url("groups:detail", type_index=type_index, key=key))


@require_http_methods(["GET", "POST"])
@posthog_page(OPERATE)
def property_edit(request, type_index: int):
    """One property's row as a form: htmx swaps it into the table; without JS the whole page shows it."""
    key, name = group_key_of(request), property_name_of(request)
    group = None
    if request.method == "POST":
        form = PropertyValueForm(request.POST)
        if form.is_valid() and _saved(request, form, type_index=type_index, key=key, name=name):
            return _back_to_group(request, type_index, key)
    else:
        group = selectors.group_find(context=request.posthog, group_type_index=type_index, group_key=key)
        properties = selectors.group_properties(group)
        form = PropertyValueForm(initial={"value": value_text(properties[name]) if name in properties else ""})
    if request.htmx:
        context = {
            "row": property_row(type_index, key, name, {}),
            "edit_form": form,
            "detail_url": group_url("groups:detail", type_index=type_index, key=key),
        }
        return render(request, f"{DETAIL}#edit-row", context)
    context = detail_context(request, type_index=type_index, key=key, group=group, editing=name, edit_form=form)
    return render(request, DETAIL, context)


@require_POST
@posthog_page(OPERATE)
def property_add(request, type_index: int):
    key = group_key_of(request)
    form = PropertyForm(request.POST)
    if form.is_valid() and _saved(request, form, type_index=type_index, key=key, name=form.cleaned_data["property"]):
        return _back_to_group(request, type_index, key)
    if request.htmx:
        return render(request, f"{DETAIL}#add-form", add_form_context(type_index=type_index, key=key, form=form))
    return render(request, DETAIL, detail_context(request, type_index=type_index, key=key, add_form=form))


@require_http_methods(["GET", "POST"])
@posthog_page(ADMINISTER)
def property_delete(request, type_index: int):
    """Deletes on POST; a GET (the Delete link followed without JS) asks first."""
    key, name = group_key_of(request), property_name_of(request)
    if request.method == "GET":
        context = detail_context(request, type_index=type_index, key=key)
        context["row"] = property_row(type_index, key, name, selectors.group_properties(context["group"]))
        return render(request, "groups/property_delete.html", context)
    try:
        services.group_property_delete(context=request.posthog, group_type_index=type_index, group_key=key, key=name)
    except ValidationError as error:
        # PostHog refuses a property the group does not have (any more); the reloaded page shows what it holds.
        messages.error(request, error.user_message)
    else:
        messages.success(request, f"Deleted “{name}”.")
    return _back_to_group(request, type_index, key)


@require_GET
@posthog_page(VIEW)
def property_keys(request, type_index: int):
    # Suggestions only: where PostHog offers no property names to this key or version, the field takes any name.
    names = attempt(lambda: selectors.group_property_names(context=request.posthog, group_type_index=type_index))
    return render(request, "groups/options.html", {"suggestions": names.value or []})


@require_GET
@posthog_page(VIEW)
def property_values(request, type_index: int):
    """Values of the property named so far; nothing to offer (and nothing asked of PostHog) before one is."""
    name = request.GET.get("property", "").strip()
    typed = request.GET.get("value", "")
    values = (
        attempt(
            lambda: selectors.group_property_values(
                context=request.posthog, group_type_index=type_index, key=name, value=typed
            )
        ).value
        if name
        else []
    )
    return render(request, "groups/options.html", {"suggestions": values or []})
