"""The signed-in person's in-portal notifications, newest first, and marking them read (the top bar counts the
unread ones: apps/alerts/context_processors.py)."""

from django.contrib.auth.decorators import permission_required
from django.contrib.auth.models import User
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from apps.alerts import selectors, services
from apps.connections.request import PortalRequest
from apps.core.htmx import wants_fragment
from apps.core.http import htmx_redirect
from apps.core.roles import VIEW

LIST = "alerts/notifications.html"


def _me(request: PortalRequest) -> User:
    assert isinstance(request.user, User)  # LoginRequiredMiddleware: nobody else reaches these views
    return request.user


def _list(request: PortalRequest, template: str, *, oob: bool = False) -> HttpResponse:
    context = {
        "notifications": selectors.notification_list(user=_me(request)),
        "alerts_unread": selectors.notification_unread_count(user=_me(request)),
        "oob": oob,  # the top bar's count, swapped out of band beside the list
    }
    return render(request, template, context)


@require_GET
@permission_required(VIEW, raise_exception=True)
def notification_list(request: PortalRequest) -> HttpResponse:
    return _list(request, LIST)


@require_POST
@permission_required(VIEW, raise_exception=True)
def notification_read(request: PortalRequest, pk: int) -> HttpResponse:
    """Mark one notification read; htmx swaps that notification alone (focus stays beside it) and the top bar's
    count out of band."""
    services.notification_mark_read(user=_me(request), pk=pk)
    notification = selectors.notification_get(user=_me(request), pk=pk)
    if notification is None:
        raise Http404("No such notification.")
    if not wants_fragment(request):
        return htmx_redirect(request, "alerts:notifications")
    unread = selectors.notification_unread_count(user=_me(request))
    context = {"notification": notification, "alerts_unread": unread, "oob_item": True}
    return render(request, f"{LIST}#item", context)


@require_POST
@permission_required(VIEW, raise_exception=True)
def notifications_read_all(request: PortalRequest) -> HttpResponse:
    services.notification_mark_read(user=_me(request))
    if wants_fragment(request):
        return _list(request, f"{LIST}#list", oob=True)
    return htmx_redirect(request, "alerts:notifications")
