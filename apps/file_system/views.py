"""The project's file system: a folder tree with counts, search, an item's page, move, link, delete and undo."""

import logging
from functools import partial
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.connections.request import PortalRequest
from apps.core.htmx import wants_fragment
from apps.core.http import htmx_redirect
from apps.core.pages import form_write, posthog_page
from apps.core.parallel import Together, together
from apps.core.params import offset
from apps.core.roles import ADMINISTER, OPERATE, VIEW
from apps.core.toasts import ToastAction, toast_with_action
from apps.file_system import recently_deleted, selectors, services
from apps.file_system.forms import LINK, MOVE, DestinationForm, ViewedForm
from apps.file_system.paths import crumbs
from apps.file_system.presenters import (
    browse_url,
    count_param,
    counts_url,
    deleted_message,
    folder_param,
    placed_message,
    posthog_url,
    undo_url,
    unfiled_url,
)
from apps.posthog.errors import PostHogError, ValidationError

logger = logging.getLogger("portal.file_system")

# Folders counted in one go: a page of children holds at most this many, and the folder shown is one more.
MAX_COUNTED = selectors.CHILDREN_PAGE_SIZE + 1

# Browsing --------------------------------------------------------------------------------------------------


@require_GET
@posthog_page(VIEW)
def browse(request: PortalRequest) -> HttpResponse:
    folder = folder_param(request.GET.get("path"))
    query = request.GET.get("q", "").strip()
    return _folder_page(request, folder=folder, query=query, fragment=wants_fragment(request))


def _folder_page(request: PortalRequest, *, folder: str, query: str = "", fragment: bool = False) -> HttpResponse:
    """A folder's content (or search results), with the side panels unless only the content is asked for."""
    context: dict[str, Any] = {"folder": folder, "crumbs": crumbs(folder), "query": query}
    if query:
        context["results"] = selectors.file_system_search(context=request.posthog, query=query)
    else:
        top = not folder and not fragment
        reads = _folder_reads(request, folder=folder, top=top)
        folder_item = reads.value("folder_item")
        if folder and folder_item is None:
            return render(request, "file_system/browse.html", {**context, "missing": True}, status=404)
        filed = reads.value("filed") or 0
        if filed:
            # PostHog filed something just now, perhaps after the list beside it was read: it is read again.
            reads = _folder_reads(request, folder=folder, top=top, filing=False)
        children = reads.value("children")
        context.update(
            folder_item=folder_item,
            children=children,
            counts_url=counts_url(children.items, current=folder),
            top=top,
            unfiled_url=unfiled_url(filed),
        )
    if fragment:
        return render(request, "file_system/browse.html#main", context)
    context["deleted"] = recently_deleted.deleted_list(request)
    return render(request, "file_system/browse.html", context)


def _folder_reads(request: PortalRequest, *, folder: str, top: bool, filing: bool = True) -> Together:
    """A folder page's reads, issued at once so the page waits for one round trip: the folder's entry, its
    children and, at the top (`filing`), PostHog's filing of whatever has no folder yet under "Unfiled", as its
    own tree does on load (once in a while: `file_system_unfiled_file_lately`). The "Unfiled" panel loads after
    the page, from its own URL."""
    posthog = request.posthog
    return together(
        folder_item=partial(selectors.file_system_folder, context=posthog, path=folder) if folder else _nothing,
        filed=partial(services.file_system_unfiled_file_lately, context=posthog) if top and filing else _nothing,
        children=partial(selectors.file_system_children, context=posthog, folder=folder),
    )


def _nothing() -> None:
    """A read this page does not make."""


@require_GET
@posthog_page(VIEW)
def children(request: PortalRequest) -> HttpResponse:
    """One folder's content, for expanding it in the tree (and its next page, for "Show more")."""
    folder = folder_param(request.GET.get("path"))
    page = selectors.file_system_children(
        context=request.posthog, folder=folder, offset=offset(request.GET.get("offset"))
    )
    context = {"folder": folder, "children": page, "counts_url": counts_url(page.items)}
    return render(request, "file_system/browse.html#children", context)


@require_GET
@posthog_page(VIEW)
def counts(request: PortalRequest) -> HttpResponse:
    """How many items lie below each folder asked for; the answers go into the tree out of band."""
    pairs = [pair for pair in zip(request.GET.getlist("id"), request.GET.getlist("path"), strict=False) if pair[1]]
    pairs = pairs[:MAX_COUNTED]
    counts = selectors.file_system_counts(context=request.posthog, paths=[path for _, path in pairs])
    counted = [(node_id, count) for (node_id, _), count in zip(pairs, counts, strict=True)]
    return render(request, "file_system/browse.html#counts", {"counted": counted})


@require_GET
@posthog_page(VIEW)
def unfiled(request: PortalRequest) -> HttpResponse:
    """The "Unfiled" panel of the top level: the newest items PostHog filed there, and (`filed`) how many the page
    that asks had PostHog file just now."""
    context = {
        "unfiled": selectors.file_system_unfiled_items(context=request.posthog),
        "filed": count_param(request.GET.get("filed")),
    }
    return render(request, "file_system/browse.html#unfiled", context)


@require_GET
@posthog_page(VIEW)
def recent(request: PortalRequest) -> HttpResponse:
    views = selectors.file_system_recent_views(context=request.posthog)
    return render(request, "file_system/browse.html#recent", {"views": views})


# One item ----------------------------------------------------------------------------------------------------


@require_GET
@posthog_page(VIEW)
def item_detail(request: PortalRequest, entry_id: str) -> HttpResponse:
    item = selectors.file_system_get(context=request.posthog, entry_id=entry_id)
    # The view is recorded by the page once shown (a POST from it, `item_viewed`), so the page does not wait for
    # that write, which needs the item's type and so could only follow the read.
    context = {
        "item": item,
        "record_view": not item.is_folder and bool(item.ref),
        "crumbs": crumbs(item.folder),
        "posthog_url": posthog_url(request.posthog, item),
        "cohort_id": int(item.ref) if item.type == "cohort" and item.ref.isdigit() else None,
    }
    return render(request, "file_system/item.html", context)


@require_POST
@posthog_page(VIEW)
def item_viewed(request: PortalRequest, entry_id: str) -> HttpResponse:
    """Records that the item was opened (PostHog's "Recently viewed"), posted by the item's page once shown, with
    the type and reference the page read. Nothing to show when it worked; when PostHog refused or failed, the
    page says so where the request came from, and the log keeps it."""
    form = ViewedForm(request.POST)
    if not form.is_valid():
        logger.warning("Item %s: its view was not recorded, the page sent %s", entry_id, form.errors.as_json())
        return HttpResponse(status=400)
    kind, ref = form.cleaned_data["type"], form.cleaned_data["ref"]
    try:
        services.file_system_view_log(context=request.posthog, kind=kind, ref=ref)
    except PostHogError as error:
        logger.warning("Item %s (%s %s): PostHog did not record its view: %s", entry_id, kind, ref, error)
        return render(request, "file_system/item.html#view-not-recorded", {"error": error})
    return HttpResponse(status=204)


@require_http_methods(["GET", "POST"])
@posthog_page(OPERATE)
def item_move(request: PortalRequest, entry_id: str) -> HttpResponse:
    return _destination_page(request, entry_id, MOVE)


@require_http_methods(["GET", "POST"])
@posthog_page(OPERATE)
def item_link(request: PortalRequest, entry_id: str) -> HttpResponse:
    return _destination_page(request, entry_id, LINK)


def _destination_page(request: PortalRequest, entry_id: str, action: str) -> HttpResponse:
    # The whole page offers every folder as a destination: read beside the item, not after it.
    whole_page = request.method == "GET" and not wants_fragment(request)
    reads = together(
        item=partial(selectors.file_system_get, context=request.posthog, entry_id=entry_id),
        folders=partial(selectors.file_system_folder_paths, context=request.posthog) if whole_page else _nothing,
    )
    item = reads.value("item")
    form = DestinationForm(
        request.POST if request.method == "POST" else None,
        item=item,
        action=action,
        initial={"folder": item.folder, "name": item.name},
    )
    if form.is_bound and form.is_valid():
        write = services.file_system_move if action == MOVE else services.file_system_link
        # Both take only the new path, so whatever PostHog refuses is about the destination.
        form_write(
            form,
            lambda: write(context=request.posthog, entry_id=entry_id, new_path=form.new_path()),
            fields={"new_path": "folder"},
            unnamed_on="folder",
        )
        if not form.errors:
            messages.success(request, placed_message(action, item, form.cleaned_data["folder"]))
            return htmx_redirect(request, browse_url(form.cleaned_data["folder"]))
    context: dict[str, Any] = {"item": item, "form": form, "action": action, "crumbs": crumbs(item.folder)}
    if wants_fragment(request):
        return render(request, "file_system/destination.html#form", context)
    context["folders"] = (
        reads.value("folders") if whole_page else selectors.file_system_folder_paths(context=request.posthog)
    )
    return render(request, "file_system/destination.html", context)


@require_POST
@posthog_page(ADMINISTER)
def item_delete(request: PortalRequest, entry_id: str) -> HttpResponse:
    item = selectors.file_system_get(context=request.posthog, entry_id=entry_id)
    try:
        deleted = services.file_system_delete(context=request.posthog, entry_id=entry_id)
    except ValidationError as error:
        messages.error(request, error.user_message)
        return htmx_redirect(request, "file_system:item", entry_id=entry_id)
    restorable = recently_deleted.deleted_remember(request, deleted=deleted)
    message = deleted_message(item, restorable)
    if not request.htmx:
        messages.success(request, message)
        return htmx_redirect(request, browse_url(item.folder))
    # The folder's page comes in place of the item's, rather than by a redirect, so that the toast keeps its Undo.
    if len(restorable) == 1:
        toast_with_action(request, message, action=ToastAction("Undo", undo_url(restorable[0].key)))
    else:
        messages.success(request, message)
    response = _folder_page(request, folder=item.folder)
    response["HX-Retarget"] = response["HX-Reselect"] = "#content"
    response["HX-Reswap"] = "outerHTML"
    response["HX-Push-Url"] = browse_url(item.folder)
    return response


@require_POST
@posthog_page(OPERATE)
def undo_delete(request: PortalRequest) -> HttpResponse:
    """Restores one item of the "Recently deleted" list: `item` comes from its Undo form, or in the query from the
    Undo of a delete's toast."""
    key = request.POST.get("item") or request.GET.get("item", "")
    deleted = recently_deleted.deleted_find(request, key=key)
    if deleted is None:
        messages.error(request, "That item is no longer in your “Recently deleted” list: nothing was restored.")
        return htmx_redirect(request, "file_system:browse")
    try:
        services.file_system_undo_delete(context=request.posthog, items=[deleted.undo_item()])
    except ValidationError as error:
        messages.error(request, error.user_message)
        return htmx_redirect(request, browse_url(deleted.folder))
    recently_deleted.deleted_forget(request, key=key)
    messages.success(request, f"Restored “{deleted.name}” to “{deleted.folder or 'the top level'}”.")
    return htmx_redirect(request, browse_url(deleted.folder))
