"""One group: its properties as an editable table, and its activity."""

import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from apps.core.activity import activity_items
from apps.core.pages import posthog_page
from apps.core.roles import VIEW
from apps.groups import selectors
from apps.groups.forms import PropertyForm, PropertyValueForm
from apps.groups.links import group_url
from apps.groups.selectors import GroupType
from apps.groups.values import PropertyValue, value_shown

DETAIL = "groups/group_detail.html"


@dataclass(frozen=True)
class PropertyRow:
    key: str
    value: PropertyValue | None
    dom_id: str
    edit_url: str
    delete_url: str
    values_url: str


def property_row(type_index: int, group_key: str, name: str, properties: dict) -> PropertyRow:
    digest = hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:12]
    links = {"type_index": type_index, "key": group_key, "property": name}
    return PropertyRow(
        key=name,
        value=value_shown(properties[name]) if name in properties else None,
        dom_id=f"property-{digest}",
        edit_url=group_url("groups:property_edit", **links),
        delete_url=group_url("groups:property_delete", **links),
        values_url=f"{reverse('groups:property_values', args=[type_index])}?{urlencode({'property': name})}",
    )


def group_key_of(request) -> str:
    return _named_in_query(request, "key")


def property_name_of(request) -> str:
    return _named_in_query(request, "property")


def _named_in_query(request, name: str) -> str:
    value = request.GET.get(name, "")
    if not value:
        raise Http404(f"The URL names no {name}.")
    return value


def group_type_of(request, type_index: int) -> GroupType:
    known = {t.index: t for t in selectors.group_type_list(context=request.posthog)}
    fallback = f"type {type_index}"
    return known.get(type_index) or GroupType(type_index, fallback, fallback, fallback, ())


def add_form_context(*, type_index: int, key: str, form: PropertyForm | None = None) -> dict:
    return {
        "add_form": form or PropertyForm(),
        "add_url": group_url("groups:property_add", type_index=type_index, key=key),
        "keys_url": reverse("groups:property_keys", args=[type_index]),
        "values_url": reverse("groups:property_values", args=[type_index]),
    }


def detail_context(
    request,
    *,
    type_index: int,
    key: str,
    group: dict | None = None,
    editing: str = "",
    edit_form: PropertyValueForm | None = None,
    add_form: PropertyForm | None = None,
) -> dict:
    """What the group page shows (`group` when already read); `editing` names the property whose row is a form
    (the inline edit without JS)."""
    if group is None:
        group = selectors.group_find(context=request.posthog, group_type_index=type_index, group_key=key)
    properties = selectors.group_properties(group)
    group_type = group_type_of(request, type_index)
    return {
        "group": group,
        "key": key,
        "audit_object": f"{type_index}:{key}",  # how the audit trail names a group
        "title": str(properties.get("name") or key),
        "created": selectors.group_created_at(group),
        "group_type": group_type,
        "rows": [property_row(type_index, key, name, properties) for name in sorted(properties, key=str.casefold)],
        "editing": editing,
        "edit_form": edit_form,
        "detail_url": group_url("groups:detail", type_index=type_index, key=key),
        "activity_url": reverse("groups:activity", args=[type_index, key]),
        **add_form_context(type_index=type_index, key=key, form=add_form),
    }


@require_GET
@posthog_page(VIEW)
def group_detail(request, type_index: int):
    return render(request, DETAIL, detail_context(request, type_index=type_index, key=group_key_of(request)))


@require_GET
@posthog_page(VIEW)
def group_activity(request, type_index: int, key: str):
    number = request.GET.get("page", "")
    number = int(number) if number.isdigit() and int(number) > 0 else 1
    page = selectors.group_activity_page(
        context=request.posthog, group_type_index=type_index, group_key=key, page=number
    )
    context = {
        "items": activity_items(page.entries),
        "next_page": page.next_page,
        "more_url": request.path,
        "first_page": number == 1,
    }
    return render(request, "core/activity.html#timeline", context)
