"""The project's file system: a folder tree with counts, search, an item's page, move, link, delete and undo."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.http import htmx_redirect
from apps.core.pages import form_error_from_upstream, posthog_page
from apps.core.roles import ADMINISTER, OPERATE, VIEW
from apps.core.toasts import ToastAction, toast_with_action
from apps.file_system import recently_deleted, selectors, services
from apps.file_system.forms import LINK, MOVE, DestinationForm
from apps.file_system.paths import crumbs, join_path, split_path
from apps.file_system.recently_deleted import Deleted
from apps.file_system.selectors import Item
from apps.posthog.errors import ValidationError

# Folders counted in one go: a page of children holds at most this many.
MAX_COUNTED = selectors.CHILDREN_PAGE_SIZE + 1
CURRENT = "current"


def undo_url(key: str) -> str:
    return f"{reverse('file_system:undo_delete')}?{urlencode({'item': key})}"


def browse_url(folder: str) -> str:
    url = reverse("file_system:browse")
    return f"{url}?{urlencode({'path': folder})}" if folder else url


def _folder_param(value: str | None) -> str:
    """A folder path as typed in a URL, in PostHog's form (no leading, trailing or doubled "/")."""
    return join_path(split_path(value or ""))


def _offset(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


def _counts_url(items: list[Item], current: str = "") -> str:
    """The URL that fills in the counts of these folders (and of the folder shown, when given) once loaded."""
    pairs = [(CURRENT, current)] if current else []
    pairs += [(item.id, item.path) for item in items if item.is_folder]
    if not pairs:
        return ""
    query = urlencode([(name, value) for node_id, path in pairs for name, value in (("id", node_id), ("path", path))])
    return f"{reverse('file_system:counts')}?{query}"


# Browsing --------------------------------------------------------------------------------------------------


@require_GET
@posthog_page(VIEW)
def browse(request):
    fragment = bool(request.htmx) and not request.htmx.history_restore_request
    folder = _folder_param(request.GET.get("path"))
    return _folder_page(request, folder=folder, query=request.GET.get("q", "").strip(), fragment=fragment)


def _folder_page(request, *, folder: str, query: str = "", fragment: bool = False):
    """A folder's content (or search results), with the side panels unless only the content is asked for."""
    context = {"folder": folder, "crumbs": crumbs(folder), "query": query}
    if query:
        context["results"] = selectors.file_system_search(context=request.posthog, query=query)
    else:
        folder_item = selectors.file_system_folder(context=request.posthog, path=folder) if folder else None
        if folder and folder_item is None:
            return render(request, "file_system/browse.html", {**context, "missing": True}, status=404)
        # As PostHog's own tree does on load: whatever has no folder yet is filed under "Unfiled".
        filed = services.file_system_unfiled_file(context=request.posthog) if not folder and not fragment else 0
        children = selectors.file_system_children(context=request.posthog, folder=folder)
        context.update(
            folder_item=folder_item,
            children=children,
            counts_url=_counts_url(children.items, current=folder),
            filed=filed,
        )
        if not folder and not fragment:
            context["unfiled"] = selectors.file_system_unfiled_items(context=request.posthog)
    if fragment:
        return render(request, "file_system/browse.html#main", context)
    context["deleted"] = recently_deleted.deleted_list(request)
    return render(request, "file_system/browse.html", context)


@require_GET
@posthog_page(VIEW)
def children(request):
    """One folder's content, for expanding it in the tree (and its next page, for "Show more")."""
    folder = _folder_param(request.GET.get("path"))
    page = selectors.file_system_children(
        context=request.posthog, folder=folder, offset=_offset(request.GET.get("offset"))
    )
    context = {"folder": folder, "children": page, "counts_url": _counts_url(page.items)}
    return render(request, "file_system/browse.html#children", context)


@require_GET
@posthog_page(VIEW)
def counts(request):
    """How many items lie below each folder asked for; the answers go into the tree out of band."""
    pairs = list(zip(request.GET.getlist("id"), request.GET.getlist("path"), strict=False))[:MAX_COUNTED]
    counted = [
        (node_id, selectors.file_system_count(context=request.posthog, path=path)) for node_id, path in pairs if path
    ]
    return render(request, "file_system/browse.html#counts", {"counted": counted})


@require_GET
@posthog_page(VIEW)
def recent(request):
    views = selectors.file_system_recent_views(context=request.posthog)
    return render(request, "file_system/browse.html#recent", {"views": views})


# One item ----------------------------------------------------------------------------------------------------


def _posthog_url(request, item: Item) -> str:
    """The item in PostHog's own app: its `href` lives under the project's URL there."""
    project = request.posthog.project_id
    if not item.href.startswith("/") or item.href.startswith("//") or not project.isdigit():
        return ""
    return f"{request.posthog.connection.host.rstrip('/')}/project/{project}{item.href}"


@require_GET
@posthog_page(VIEW)
def item_detail(request, entry_id: str):
    item = selectors.file_system_get(context=request.posthog, entry_id=entry_id)
    if not item.is_folder and item.ref:
        services.file_system_view_log(context=request.posthog, kind=item.type, ref=item.ref)
    context = {
        "item": item,
        "crumbs": crumbs(item.folder),
        "posthog_url": _posthog_url(request, item),
        "cohort_id": int(item.ref) if item.type == "cohort" and item.ref.isdigit() else None,
    }
    return render(request, "file_system/item.html", context)


@require_http_methods(["GET", "POST"])
@posthog_page(OPERATE)
def item_move(request, entry_id: str):
    return _destination_page(request, entry_id, MOVE)


@require_http_methods(["GET", "POST"])
@posthog_page(OPERATE)
def item_link(request, entry_id: str):
    return _destination_page(request, entry_id, LINK)


def _destination_page(request, entry_id: str, action: str):
    item = selectors.file_system_get(context=request.posthog, entry_id=entry_id)
    form = DestinationForm(
        request.POST if request.method == "POST" else None,
        item=item,
        action=action,
        initial={"folder": item.folder, "name": item.name},
    )
    if form.is_bound and form.is_valid():
        write = services.file_system_move if action == MOVE else services.file_system_link
        try:
            write(context=request.posthog, entry_id=entry_id, new_path=form.new_path())
        except ValidationError as error:
            # Both take only the new path, so whatever PostHog refuses is about the destination.
            if not form_error_from_upstream(form, error, fields={"new_path": "folder"}):
                form.add_error("folder", error.detail)
        else:
            destination = form.cleaned_data["folder"] or "the top level"
            if action == MOVE:
                messages.success(request, f"Moved “{item.name}” to “{destination}”.")
            else:
                messages.success(request, f"Created a shortcut to “{item.name}” in “{destination}”.")
            return htmx_redirect(request, browse_url(form.cleaned_data["folder"]))
    context = {"item": item, "form": form, "action": action, "crumbs": crumbs(item.folder)}
    if request.htmx:
        return render(request, "file_system/destination.html#form", context)
    context["folders"] = selectors.file_system_folder_paths(context=request.posthog)
    return render(request, "file_system/destination.html", context)


@require_POST
@posthog_page(ADMINISTER)
def item_delete(request, entry_id: str):
    item = selectors.file_system_get(context=request.posthog, entry_id=entry_id)
    try:
        deleted = services.file_system_delete(context=request.posthog, entry_id=entry_id)
    except ValidationError as error:
        messages.error(request, error.detail)
        return htmx_redirect(request, "file_system:item", entry_id=entry_id)
    restorable = recently_deleted.deleted_remember(request, deleted=deleted)
    message = _deleted_message(item, restorable)
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


def _deleted_message(item: Item, restorable: list[Deleted]) -> str:
    if item.shortcut:
        return f"Removed the shortcut “{item.name}”; the {item.type_label.lower()} it pointed to is untouched."
    if item.is_folder:
        kept = f" {len(restorable)} item(s) in it can be restored under “Recently deleted”." if restorable else ""
        return f"Deleted the folder “{item.name}” and everything in it.{kept}"
    if restorable:
        return f"Deleted “{item.name}”. Undo it under “Recently deleted”."
    if item.hard_deleted:
        return f"Deleted “{item.name}” for good."
    return f"Removed “{item.name}” from the file system."


@require_POST
@posthog_page(OPERATE)
def undo_delete(request):
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
        messages.error(request, error.detail)
        return htmx_redirect(request, browse_url(deleted.folder))
    recently_deleted.deleted_forget(request, key=key)
    messages.success(request, f"Restored “{deleted.name}” to “{deleted.folder or 'the top level'}”.")
    return htmx_redirect(request, browse_url(deleted.folder))
