"""How one insight or recording is shared: its public link, the switches, and a new link (refresh)."""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.connections.request import PortalRequest
from apps.core.http import htmx_redirect
from apps.core.pages import posthog_page
from apps.core.parallel import together
from apps.core.roles import ADMINISTER, OPERATE, VIEW
from apps.core.undo import NOTHING_TO_UNDO, toast_with_undo, undo_take
from apps.sharing import selectors, services
from apps.sharing.forms import PasswordForm
from apps.sharing.kinds import KINDS, Kind
from apps.sharing.selectors import Sharing

# (message when switched on, message when switched off) for each setting a person can switch.
SWITCHED = {
    "enabled": (
        "Sharing is on: anyone with the link can see this {noun}.",
        "Sharing is off: the link no longer opens this {noun}.",
    ),
    "password_required": (
        "The link now asks for a password: add one below.",
        "The link no longer asks for a password: anyone with it can see this {noun}.",
    ),
}


def passwords_context(request: PortalRequest, kind: Kind, item_id: str, **extra: Any) -> dict[str, Any]:
    """What the passwords card needs."""
    return _passwords(
        kind, item_id, selectors.sharing_get(context=request.posthog, kind=kind, item_id=item_id), **extra
    )


def page_context(request: PortalRequest, kind: Kind, item_id: str, **extra: Any) -> dict[str, Any]:
    """What the whole sharing page needs: the passwords card's context and the item's name, asked at once."""
    found = together(
        sharing=lambda: selectors.sharing_get(context=request.posthog, kind=kind, item_id=item_id),
        item=lambda: selectors.shared_item_find(context=request.posthog, kind=kind, item_id=item_id),
    )
    context = _passwords(kind, item_id, found.value("sharing"), **extra)
    item = found.value("item")
    return {**context, "item": item, "heading": item.title if item else f"{kind.noun.capitalize()} {item_id}"}


def _passwords(kind: Kind, item_id: str, sharing: Sharing, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "item_id": item_id, "sharing": sharing, "password_form": PasswordForm(), **extra}


@require_GET
@posthog_page(VIEW)
def sharing_detail(request: PortalRequest, kind: Kind, item_id: str) -> HttpResponse:
    return render(request, "sharing/detail.html", page_context(request, kind, item_id))


@require_POST
@posthog_page(OPERATE)
def sharing_switch(request: PortalRequest, kind: Kind, item_id: str, setting: str) -> HttpResponse:
    on = request.POST.get("on") == "true"
    services.sharing_update(context=request.posthog, kind=kind, item_id=item_id, data={setting: on})
    # Switching back keeps the link as it was (only a refresh makes a new one), so the toast offers Undo.
    toast_with_undo(
        request,
        SWITCHED[setting][0 if on else 1].format(noun=kind.noun),
        kind=setting,
        state={"kind": kind.slug, "item_id": item_id, "on": not on},
        undone="Undone. " + SWITCHED[setting][1 if on else 0].format(noun=kind.noun),
        url_name="sharing:undo",
    )
    return htmx_redirect(request, "sharing:detail", kind=kind, item_id=item_id)


@require_POST
@posthog_page(OPERATE)
def sharing_undo(request: PortalRequest, token: str) -> HttpResponse:
    """The toast's Undo of a switch: the setting as it was, then the page again."""
    undo = undo_take(request, token=token, kinds=frozenset(SWITCHED))
    if undo is None or undo.state["kind"] not in KINDS:
        messages.info(request, NOTHING_TO_UNDO)
        return HttpResponse(status=204)
    kind, item_id = KINDS[undo.state["kind"]], str(undo.state["item_id"])
    data = {undo.kind: bool(undo.state["on"])}
    services.sharing_update(context=request.posthog, kind=kind, item_id=item_id, data=data)
    messages.success(request, undo.undone)
    return htmx_redirect(request, "sharing:detail", kind=kind, item_id=item_id)


@require_http_methods(["GET", "POST"])
@posthog_page(ADMINISTER)
def sharing_refresh(request: PortalRequest, kind: Kind, item_id: str) -> HttpResponse:
    """Confirm first: every copy of the old link, embeds included, stops working."""
    if request.method == "POST":
        services.sharing_refresh(context=request.posthog, kind=kind, item_id=item_id)
        messages.success(request, "New link made: the old one no longer works. Send the new one to whoever needs it.")
        return htmx_redirect(request, "sharing:detail", kind=kind, item_id=item_id)
    return render(request, "sharing/refresh.html", page_context(request, kind, item_id))
