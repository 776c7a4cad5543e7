"""Alert channels (Admins): where rules send. A channel's URL and signing secret are write-only: the form never
puts them back in the page, and lists show them masked."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from apps.alerts import presenters, selectors, services
from apps.alerts.forms import ChannelForm
from apps.alerts.models import Channel
from apps.connections.request import PortalRequest
from apps.core.forms import NO_CHANGES
from apps.core.htmx import fragment_or_page
from apps.core.http import htmx_redirect
from apps.core.roles import ADMINISTER, VIEW

FORM = "alerts/channel_form.html"


def _channel(pk: int) -> Channel:
    channel = selectors.channel_get(pk=pk)
    if channel is None:
        raise Http404("No such channel.")
    return channel


@require_GET
@permission_required(VIEW, raise_exception=True)
def channel_list(request: PortalRequest) -> HttpResponse:
    """Everyone reads which channels exist and whether they fail (never their secrets); Admins change them."""
    rows = [presenters.channel_row(channel) for channel in selectors.channel_list()]
    return render(request, "alerts/channel_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@permission_required(ADMINISTER, raise_exception=True)
def channel_create(request: PortalRequest) -> HttpResponse:
    form = ChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        channel = services.channel_create(actor=request.user, data=form.payload())
        messages.success(request, f"Created the channel “{channel.name}”. Add it to a rule, then send a test.")
        return htmx_redirect(request, "alerts:channels")
    return render(request, fragment_or_page(request, FORM, "form"), {"form": form})


@require_http_methods(["GET", "POST"])
@permission_required(ADMINISTER, raise_exception=True)
def channel_edit(request: PortalRequest, pk: int) -> HttpResponse:
    channel = _channel(pk)
    form = ChannelForm(request.POST or None, channel=channel)
    if request.method == "POST" and form.is_valid():
        if services.channel_update(actor=request.user, channel=channel, data=form.payload()):
            messages.success(request, f"Saved the channel “{channel.name}”.")
        else:
            messages.info(request, NO_CHANGES)
        return htmx_redirect(request, "alerts:channels")
    context = {"form": form, "channel": presenters.channel_row(channel)}
    return render(request, fragment_or_page(request, FORM, "form"), context)


@require_http_methods(["GET", "POST"])
@permission_required(ADMINISTER, raise_exception=True)
def channel_delete(request: PortalRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation (where the Delete link leads without JavaScript); POST deletes."""
    channel = _channel(pk)
    if request.method == "GET":
        return render(request, "alerts/channel_delete.html", {"channel": presenters.channel_row(channel)})
    services.channel_delete(actor=request.user, channel=channel)
    messages.success(request, f"Deleted the channel “{channel.name}”.")
    return htmx_redirect(request, "alerts:channels")
