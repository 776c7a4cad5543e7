"""One group: its properties as an editable table, and its activity."""

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from apps.connections.request import PortalRequest
from apps.core.pages import posthog_page
from apps.core.parallel import together
from apps.core.params import page_number
from apps.core.roles import VIEW
from apps.groups import selectors
from apps.groups.forms import PropertyForm, PropertyValueForm
from apps.groups.links import group_url
from apps.groups.presenters import add_form_urls, property_row
from apps.groups.selectors import Group

DETAIL = "groups/group_detail.html"


def group_key_of(request: PortalRequest) -> str:
    return _named_in_query(request, "key")


def property_name_of(request: PortalRequest) -> str:
    return _named_in_query(request, "property")


def _named_in_query(request: PortalRequest, name: str) -> str:
    value = request.GET.get(name, "")
    if not value:
        raise Http404(f"The URL names no {name}.")
    return value


def detail_context(
    request: PortalRequest,
    *,
    type_index: int,
    key: str,
    editing: str = "",
    edit_form: PropertyValueForm | None = None,
    add_form: PropertyForm | None = None,
) -> dict[str, Any]:
    """What the group page shows; `editing` names the property whose row is a form
    (the inline edit without JS)."""
    # The group and its type's names do not depend on each other: asked together, the page waits for one answer.
    found = together(
        group=lambda: selectors.group_find(context=request.posthog, group_type_index=type_index, group_key=key),
        group_type=lambda: selectors.group_type_get(context=request.posthog, type_index=type_index),
    )
    group: Group = found.value("group")
    properties = group.properties
    return {
        "group": group,
        "key": key,
        "audit_object": f"{type_index}:{key}",  # how the audit trail names a group
        "title": str(properties.get("name") or key),
        "created": group.created_at,
        "group_type": found.value("group_type"),
        "rows": [property_row(type_index, key, name, properties) for name in sorted(properties, key=str.casefold)],
        "editing": editing,
        "edit_form": edit_form,
        "detail_url": group_url("groups:detail", type_index=type_index, key=key),
        "activity_url": reverse("groups:activity", args=[type_index, key]),
        "add_form": add_form or PropertyForm(),
        **add_form_urls(type_index=type_index, key=key),
    }


@require_GET
@posthog_page(VIEW)
def group_detail(request: PortalRequest, type_index: int) -> HttpResponse:
    return render(request, DETAIL, detail_context(request, type_index=type_index, key=group_key_of(request)))


@require_GET
@posthog_page(VIEW)
def group_activity(request: PortalRequest, type_index: int, key: str) -> HttpResponse:
    number = page_number(request.GET.get("page"))
    page = selectors.group_timeline_page(
        context=request.posthog, group_type_index=type_index, group_key=key, page=number
    )
    context = {"items": page.items, "next_page": page.next, "more_url": request.path, "first_page": number == 1}
    return render(request, "core/activity.html#timeline", context)
