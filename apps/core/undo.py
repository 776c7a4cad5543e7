"""Undo for one-click changes: the toast's Undo button names a token, never the state it restores.

A view that made a reversible change offers an Undo (`toast_with_undo`): the previous state is kept in the person's
session under a random token, for this connection and project only, for `LIFETIME`. The area's own undo view takes
it back (`undo_take`, once: a second click or an expired token finds nothing) and writes the previous state through
its services, so the client audits the undo as a write of its own. Core knows no area: each area names the URL of
its undo view and the kinds of change that view knows how to reverse.

Nothing secret goes in: ids, flags and orders, which the person just saw on the page.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from apps.core.toasts import ToastAction, toast_with_action

SESSION_KEY = "undo_offers"
# Long enough for anyone who meant to click Undo (the toast itself stays 15 s, longer while pointed at or focused),
# short enough that an undo never lands on a state someone else has since changed much.
LIFETIME = timedelta(minutes=2)
KEPT = 20  # the newest offers; a person clicking switch after switch keeps the last ones undoable
NOTHING_TO_UNDO = "Nothing to undo: it expired or was already undone."


@dataclass(frozen=True)
class Undo:
    kind: str  # what the area's undo view reverses (e.g. "enabled", "order"); the view checks it knows it
    state: dict[str, Any]  # what to write back: JSON values only (the session is JSON)
    undone: str  # what the toast says once PostHog holds the previous state again


def undo_offer(request: HttpRequest, *, kind: str, state: dict[str, Any], undone: str, url_name: str) -> ToastAction:
    """Keeps the previous state under a new token; answers the toast's Undo, which posts the token to `url_name`
    (the area's undo view, taking `token`)."""
    token = secrets.token_urlsafe(16)
    now = timezone.now()
    entry = {
        "kind": kind,
        "state": state,
        "undone": undone,
        "where": request_scope(request),
        "expires": _stamp(now + LIFETIME),
    }
    offers = {key: value for key, value in _offers(request).items() if value["expires"] > _stamp(now)}
    newest = sorted(offers.items(), key=lambda item: item[1]["expires"])[-(KEPT - 1) :]
    request.session[SESSION_KEY] = {**dict(newest), token: entry}
    return ToastAction("Undo", reverse(url_name, kwargs={"token": token}))


def toast_with_undo(
    request: HttpRequest, message: str, *, kind: str, state: dict[str, Any], undone: str, url_name: str
) -> None:
    """The success toast of a reversible change, with its Undo (shown on the next page too, after a redirect)."""
    action = undo_offer(request, kind=kind, state=state, undone=undone, url_name=url_name)
    toast_with_action(request, message, action=action, next_page=True)


def undo_take(request: HttpRequest, *, token: str, kinds: frozenset[str]) -> Undo | None:
    """The offer under `token`, forgotten as it is taken; None when there is none (expired, taken already, made
    for another connection or project, or of a kind this view does not reverse). None means: write nothing."""
    offers = _offers(request)
    entry = offers.pop(token, None)
    if entry is None:
        return None
    request.session[SESSION_KEY] = offers
    if (
        entry["expires"] <= _stamp(timezone.now())
        or entry["where"] != request_scope(request)
        or entry["kind"] not in kinds
    ):
        return None
    return Undo(kind=entry["kind"], state=entry["state"], undone=entry["undone"])


def _offers(request: HttpRequest) -> dict[str, dict[str, Any]]:
    return dict(request.session.get(SESSION_KEY, {}))


def request_scope(request: HttpRequest) -> str:
    """The connection, project and environment a request works on: an undo (or a bulk confirmation, apps/core/bulk.py)
    applies to the same place or nowhere."""
    # `posthog` is set by apps/connections/middleware.py, a layer above this one (see apps/core/pages.py).
    context: Any = getattr(request, "posthog", None)
    connection = getattr(context, "connection", None)
    return (
        f"{getattr(connection, 'pk', '')}:{getattr(context, 'project_id', '')}:{getattr(context, 'environment_id', '')}"
    )


def _stamp(moment: Any) -> float:
    return float(moment.timestamp())
