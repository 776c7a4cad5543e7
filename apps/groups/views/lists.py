"""A group type's groups (search; PostHog's cursor pages appended by "Load more"), finding one by key, creating one."""

from functools import partial
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from apps.connections.request import PortalRequest
from apps.core.htmx import fragment_or_page, wants_fragment
from apps.core.http import htmx_redirect
from apps.core.pages import form_write, posthog_page
from apps.core.parallel import together
from apps.core.roles import OPERATE, VIEW
from apps.groups import selectors, services
from apps.groups.forms import UPSTREAM_FIELDS, GroupCreateForm, GroupFindForm
from apps.groups.links import group_url
from apps.groups.presenters import chosen_type, group_row, more_url
from apps.posthog.errors import NotFound

LIST = "groups/group_list.html"


@require_GET
@posthog_page(VIEW)
def group_list(request: PortalRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    cursor = request.GET.get("cursor", "")
    # The groups of the type the URL names (else index 0, the first type a project gets) are read beside the types,
    # so the page waits for one round trip; only when that guess is not the type shown are they read after.
    wanted = request.GET.get("type", "")
    guess = int(wanted) if wanted.isdigit() else 0
    reads = together(
        types=partial(selectors.group_type_list, context=request.posthog),
        page=partial(
            selectors.group_page, context=request.posthog, group_type_index=guess, search=query, cursor=cursor
        ),
    )
    group_types = reads.value("types")
    group_type = chosen_type(group_types, wanted)
    context: dict[str, Any] = {
        "group_types": group_types,
        "group_type": group_type,
        "query": query,
        "cursor": cursor,
        "find_form": GroupFindForm(initial={"type": group_type.index if group_type else None}, group_types=group_types),
    }
    if group_type is not None:
        page = (
            reads.value("page")
            if group_type.index == guess
            else selectors.group_page(
                context=request.posthog, group_type_index=group_type.index, search=query, cursor=cursor
            )
        )
        context |= {
            "rows": [group_row(group, group_type) for group in page.items],
            "more_url": more_url(group_type, query, page.next),
        }
    if wants_fragment(request) and cursor:
        return render(request, f"{LIST}#rows", context)  # "Load more" appends these rows
    return render(request, fragment_or_page(request, LIST, "results"), context)


@require_GET
@posthog_page(VIEW)
def group_find(request: PortalRequest) -> HttpResponse:
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
    return render(request, fragment_or_page(request, "groups/group_find.html", "form"), {"form": form})


@require_http_methods(["GET", "POST"])
@posthog_page(OPERATE)
def group_create(request: PortalRequest) -> HttpResponse:
    group_types = selectors.group_type_list(context=request.posthog)
    wanted = chosen_type(group_types, request.GET.get("type"))
    form = GroupCreateForm(
        request.POST or None, initial={"type": wanted.index} if wanted else {}, group_types=group_types
    )
    if request.method == "POST" and form.is_valid():
        group_type, key, properties = form.group_type, form.cleaned_data["key"], form.cleaned_data["properties"]
        form_write(
            form,
            lambda: services.group_create(
                context=request.posthog, group_type_index=group_type.index, group_key=key, properties=properties
            ),
            fields=UPSTREAM_FIELDS,
        )
        if not form.errors:
            messages.success(request, f"Created {group_type.singular.lower()} “{key}”.")
            return htmx_redirect(request, group_url("groups:detail", type_index=group_type.index, key=key))
    context = {"form": form, "group_types": group_types}
    return render(request, fragment_or_page(request, "groups/group_create.html", "form"), context)
