"""Saved views: save the page one is on (with its filters and sort) under a name, rename, share or delete it, and the
page listing them all. Everyone who signs in with a role saves their own: nothing here reaches PostHog."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from apps.connections.request import PortalRequest
from apps.core.forms import NO_CHANGES
from apps.core.htmx import fragment_or_page
from apps.core.http import htmx_redirect
from apps.core.roles import VIEW
from apps.saved_views import selectors, services
from apps.saved_views.forms import DUPLICATE, RenameViewForm, SaveViewForm
from apps.saved_views.models import SavedView


def _view(request: PortalRequest, pk: int) -> SavedView:
    view = selectors.saved_view_get(user=request.user, pk=pk)
    if view is None:
        raise Http404("No such saved view.")
    return view


@require_GET
@permission_required(VIEW, raise_exception=True)
def saved_view_list(request: PortalRequest) -> HttpResponse:
    own, team = selectors.saved_views_list(user=request.user)
    return render(request, "saved_views/list.html", {"own": own, "team": team})


@require_http_methods(["GET", "POST"])
@permission_required(VIEW, raise_exception=True)
def saved_view_save(request: PortalRequest) -> HttpResponse:
    """GET (where the Save view button leads without JavaScript: `?path=&query=` say which page) shows the form;
    POST saves and goes back to the page, now listed in the navigation."""
    initial = {"path": request.GET.get("path", ""), "query": request.GET.get("query", "")}
    form = SaveViewForm(request.POST or None, owner=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            view = services.saved_view_create(actor=request.user, **form.payload())
        except services.NameTaken:
            form.add_error("name", DUPLICATE.format(name=form.cleaned_data["name"]))
        else:
            shown = "Team views for everyone and Your views for you" if view.shared else "Your views"
            messages.success(request, f"Saved the view “{view.name}”: it is in the navigation under {shown}.")
            return htmx_redirect(request, view.url)
    return render(request, fragment_or_page(request, "saved_views/save.html", "form"), {"form": form})


@require_http_methods(["GET", "POST"])
@permission_required(VIEW, raise_exception=True)
def saved_view_edit(request: PortalRequest, pk: int) -> HttpResponse:
    """Rename a view, or share it or stop sharing it: its owner only."""
    view = _view(request, pk)
    if view.owner_id != request.user.pk:
        raise PermissionDenied("Only the person who saved a view renames it.")
    form = RenameViewForm(
        request.POST or None, owner=request.user, view=view, initial={"name": view.name, "shared": view.shared}
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.saved_view_update(actor=request.user, view=view, **form.payload())
        except services.NameTaken:
            form.add_error("name", DUPLICATE.format(name=form.cleaned_data["name"]))
        else:
            if changed:
                messages.success(request, f"Saved the view “{view.name}”.")
            else:
                messages.info(request, NO_CHANGES)
            return htmx_redirect(request, "saved_views:list")
    context = {"form": form, "view": view}
    return render(request, fragment_or_page(request, "saved_views/edit.html", "form"), context)


@require_http_methods(["GET", "POST"])
@permission_required(VIEW, raise_exception=True)
def saved_view_delete(request: PortalRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes. Its owner, or an Admin for a shared view."""
    view = _view(request, pk)
    if not selectors.saved_view_can_delete(user=request.user, view=view):
        raise PermissionDenied("Only the person who saved a view, or an Admin when it is shared, deletes it.")
    if request.method == "GET":
        return render(request, "saved_views/delete.html", {"view": view, "mine": view.owner_id == request.user.pk})
    services.saved_view_delete(actor=request.user, view=view)
    messages.success(request, f"Deleted the view “{view.name}”.")
    return htmx_redirect(request, "saved_views:list")
