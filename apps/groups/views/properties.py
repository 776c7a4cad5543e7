"""A group's properties: set one in place, add one, delete one; names and values offered while typing."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.connections.request import PortalRequest
from apps.core.forms import NO_CHANGES
from apps.core.htmx import wants_fragment
from apps.core.http import htmx_redirect
from apps.core.outcome import attempt
from apps.core.pages import form_write, posthog_page
from apps.core.roles import ADMINISTER, OPERATE, VIEW
from apps.groups import selectors, services
from apps.groups.forms import PROPERTY_FIELDS, PropertyForm, PropertyValueForm
from apps.groups.links import group_url
from apps.groups.presenters import add_form_urls, property_row
from apps.groups.selectors import Group
from apps.groups.values import value_text
from apps.groups.views.detail import DETAIL, detail_context, group_key_of, property_name_of
from apps.posthog.errors import ValidationError


@require_http_methods(["GET", "POST"])
@posthog_page(OPERATE)
def property_edit(request: PortalRequest, type_index: int) -> HttpResponse:
    """One property's row as a form: htmx swaps it into the table; without JS the whole page shows it."""
    key, name = group_key_of(request), property_name_of(request)
    if request.method == "POST":
        # What PostHog holds, so a value posted back unchanged is not sent; sent all the same when it cannot say.
        held = attempt(
            lambda: selectors.group_find(context=request.posthog, group_type_index=type_index, group_key=key)
        )
        form = PropertyValueForm(request.POST, initial=_shown(held.value, name) if held.value else {})
        if form.is_valid() and not form.payload():
            messages.info(request, NO_CHANGES)
            return _back_to_group(request, type_index, key)
        if form.is_valid() and _saved(request, form, type_index=type_index, key=key, name=name):
            return _back_to_group(request, type_index, key)
    elif not wants_fragment(request):
        # The whole page (no JS): the group is read together with the rest of the page, then the row's form.
        context = detail_context(request, type_index=type_index, key=key, editing=name)
        context["edit_form"] = PropertyValueForm(initial=_shown(context["group"], name))
        return render(request, DETAIL, context)
    else:
        group = selectors.group_find(context=request.posthog, group_type_index=type_index, group_key=key)
        form = PropertyValueForm(initial=_shown(group, name))
    if wants_fragment(request):
        context = {
            "row": property_row(type_index, key, name, {}),
            "edit_form": form,
            "detail_url": group_url("groups:detail", type_index=type_index, key=key),
        }
        return render(request, f"{DETAIL}#edit-row", context)
    context = detail_context(request, type_index=type_index, key=key, editing=name, edit_form=form)
    return render(request, DETAIL, context)


@require_POST
@posthog_page(OPERATE)
def property_add(request: PortalRequest, type_index: int) -> HttpResponse:
    key = group_key_of(request)
    form = PropertyForm(request.POST)
    if form.is_valid() and _saved(request, form, type_index=type_index, key=key, name=form.cleaned_data["property"]):
        return _back_to_group(request, type_index, key)
    if wants_fragment(request):
        context = {"add_form": form, **add_form_urls(type_index=type_index, key=key)}
        return render(request, f"{DETAIL}#add-form", context)
    return render(request, DETAIL, detail_context(request, type_index=type_index, key=key, add_form=form))


@require_http_methods(["GET", "POST"])
@posthog_page(ADMINISTER)
def property_delete(request: PortalRequest, type_index: int) -> HttpResponse:
    """Deletes on POST; a GET (the Delete link followed without JS) asks first."""
    key, name = group_key_of(request), property_name_of(request)
    if request.method == "GET":
        context = detail_context(request, type_index=type_index, key=key)
        context["row"] = property_row(type_index, key, name, context["group"].properties)
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
def property_keys(request: PortalRequest, type_index: int) -> HttpResponse:
    # Suggestions only: where PostHog offers no property names to this key or version, the field takes any name.
    names = attempt(lambda: selectors.group_property_names(context=request.posthog, group_type_index=type_index))
    return render(request, "groups/options.html", {"suggestions": names.value or []})


@require_GET
@posthog_page(VIEW)
def property_values(request: PortalRequest, type_index: int) -> HttpResponse:
    """Values of the property named so far; nothing to offer (and nothing asked of PostHog) before one is."""
    name = request.GET.get("property", "").strip()
    typed = request.GET.get("value", "")
    if not name:
        return render(request, "groups/options.html", {"suggestions": []})
    values = attempt(
        lambda: selectors.group_property_values(
            context=request.posthog, group_type_index=type_index, key=name, value=typed
        )
    )
    return render(request, "groups/options.html", {"suggestions": values.value or []})


def _saved(request: PortalRequest, form: PropertyValueForm, *, type_index: int, key: str, name: str) -> bool:
    """Sends the value to PostHog; a refusal lands on the field it names, else atop the form."""
    value = form.cleaned_data["value"]
    form_write(
        form,
        lambda: services.group_property_update(
            context=request.posthog, group_type_index=type_index, group_key=key, key=name, value=value
        ),
        fields=PROPERTY_FIELDS,
    )
    if form.errors:
        return False
    messages.success(request, f"Saved “{name}”.")
    return True


def _shown(group: Group, name: str) -> dict[str, str]:
    """The edit form's initial: the property's value as the row shows it."""
    return {"value": value_text(group.properties[name]) if name in group.properties else ""}


def _back_to_group(request: PortalRequest, type_index: int, key: str) -> HttpResponse:
    return htmx_redirect(request, group_url("groups:detail", type_index=type_index, key=key))
