"""A group type's groups (search; PostHog's cursor pages appended by "Load more"), finding one by key, creating one."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from apps.core.http import htmx_redirect
from apps.core.pages import form_error_from_upstream, posthog_page
from apps.core.roles import OPERATE, VIEW
from apps.groups import selectors, services
from apps.groups.forms import UPSTREAM_FIELDS, GroupCreateForm, GroupFindForm
from apps.groups.links import group_url
from apps.groups.selectors import GroupType
from apps.groups.values import PropertyValue, value_shown
from apps.posthog.errors import NotFound, ValidationError

LIST = "groups/group_list.html"


@dataclass(frozen=True)
class GroupRow:
    key: str
    url: str
    cells: list[PropertyValue | None]
    created_at: datetime | None


def _row(group: dict, group_type: GroupType) -> GroupRow:
    properties = selectors.group_properties(group)
    key = str(group.get("group_key") or "")
    return GroupRow(
        key=key,
        url=group_url("groups:detail", type_index=group_type.index, key=key),
        cells=[value_shown(properties[column]) if column in properties else None for column in group_type.columns],
        created_at=selectors.group_created_at(group),
    )


def _chosen_type(group_types: list[GroupType], wanted) -> GroupType | None:
    """The type named in the URL, else the first one."""
    by_index = {str(group_type.index): group_type for group_type in group_types}
    return by_index.get(str(wanted)) or (group_types[0] if group_types else None)


def _more_url(group_type: GroupType, query: str, cursor: str) -> str:
    if not cursor:
        return ""
    return f"{reverse('groups:list')}?{urlencode({'type': group_type.index, 'q': query, 'cursor': cursor})}"


@require_GET
@posthog_page(VIEW)
def group_list(request):
    group_types = selectors.group_type_list(context=request.posthog)
    group_type = _chosen_type(group_types, request.GET.get("type"))
    query = request.GET.get("q", "").strip()
    cursor = request.GET.get("cursor", "")
    context = {
        "group_types": group_types,
        "group_type": group_type,
        "query": query,
        "cursor": cursor,
        "find_form": GroupFindForm(initial={"type": group_type.index if group_type else None}, group_types=group_types),
    }
    if group_type is not None:
        page = selectors.group_page(
            context=request.posthog, group_type_index=group_type.index, search=query, cursor=cursor
        )
        context |= {
            "rows": [_row(group, group_type) for group in page.groups],
            "more_url": _more_url(group_type, query, page.next_cursor),
        }
    htmx = request.htmx and not request.htmx.history_restore_request
    if htmx and cursor:
        return render(request, f"{LIST}#rows", context)  # "Load more" appends these rows
    return render(request, f"{LIST}#results" if htmx else LIST, context)


@require_GET
@posthog_page(VIEW)
def group_find(request):
    group_types = selectors.group_type_list(context=request.posthog)
    form = GroupFindForm(request.GET or None, group_types=group_types)
    if form.is_valid():
        group_type, key = form.group_type, form.cleaned_data["key"]
        try:
            selectors.group_find(context=request.posthog, group_type_index=group_type.index, group_key=key)
        except NotFound:
            form.add_error("key", f"No {group_type.singular.lower()} has the key “{key}”.")
        else:
            return htmx_redirect(request, group_url("groups:detail", type_index=group_type.index, key=key))
    template = "groups/group_find.html"
    return render(request, f"{template}#form" if request.htmx else template, {"form": form})


@require_http_methods(["GET", "POST"])
@posthog_page(OPERATE)
def group_create(request):
    group_types = selectors.group_type_list(context=request.posthog)
    initial = {"type": _chosen_type(group_types, request.GET.get("type")).index} if group_types else {}
    form = GroupCreateForm(request.POST or None, initial=initial, group_types=group_types)
    if request.method == "POST" and form.is_valid():
        group_type, key = form.group_type, form.cleaned_data["key"]
        try:
            services.group_create(
                context=request.posthog,
                group_type_index=group_type.index,
                group_key=key,
                properties=form.cleaned_data["properties"],
            )
        except ValidationError as error:
            if not form_error_from_upstream(form, error, fields=UPSTREAM_FIELDS):
                raise
        else:
            messages.success(request, f"Created {group_type.singular.lower()} “{key}”.")
            return htmx_redirect(request, group_url("groups:detail", type_index=group_type.index, key=key))
    template = "groups/group_create.html"
    context = {"form": form, "group_types": group_types}
    return render(request, f"{template}#form" if request.htmx else template, context)
