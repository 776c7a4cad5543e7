import logging
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.messages.storage.base import BaseStorage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.http import trigger_client_event

from apps.core.toasts import toast_payload
from apps.posthog.errors import (
    AppliedUnread,
    EndpointNotFound,
    NotFound,
    OutcomeUnknown,
    PermissionDenied,
    PostHogError,
    ValidationError,
)

logger = logging.getLogger("portal.upstream")


class HtmxMessagesMiddleware:
    """On htmx responses, hand the messages this request queued to the page as toasts through HX-Trigger.

    Messages an earlier request queued wait for the next full page: a write answered with HX-Redirect leaves its
    message for the page it sends the browser to, and a fragment the page being left still loads or polls in that
    moment must not take it (the toast would go to a page that is going away)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        storage = messages.get_messages(request)
        if not getattr(request, "htmx", False) or not isinstance(storage, BaseStorage):
            return self.get_response(request)
        earlier = len(storage)
        response = self.get_response(request)
        if 300 <= response.status_code < 400:
            return response
        if response.headers.get("HX-Redirect") or response.headers.get("HX-Refresh"):
            return response  # the next full page shows them
        if len(storage) == earlier:
            return response  # nothing new: the earlier ones stay queued, untouched
        queued = list(storage)
        for message in queued[:earlier]:
            storage.add(message.level, message.message, message.extra_tags)
        _trigger_toasts(response, [toast_payload(request, message) for message in queued[earlier:]])
        return response


class UpstreamErrorMiddleware:
    """Any PostHog failure a view lets through becomes a polite message on the page, never a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, PostHogError):
            return None
        logger.warning("upstream error on %s %s: %s", request.method, request.path, type(exception).__name__)
        context = {"error": exception}
        if getattr(request, "htmx", False):
            # htmx ignores non-2xx bodies, so the message comes as a 200. A fragment that failed to
            # load shows it in its own place; a failed write goes to the banner, so the form the
            # person filled in stays on the page untouched.
            response = render(request, "core/upstream_error.html#banner", context)
            if request.method != "GET":
                response["HX-Retarget"] = "#upstream-banner"
                response["HX-Reswap"] = "innerHTML"
            # Background refreshes show the error in place only; a toast every few seconds is noise.
            if not request.headers.get("X-Portal-Background"):
                _trigger_toasts(response, [{"level": "error", "message": exception.user_message}])
            return response
        # PostHog answered: a refusal is a 403, what it does not have a 404; only a failure to answer is a 502.
        kind, status = _page_failure(exception)
        return render(request, "core/upstream_error.html", {**context, "kind": kind}, status=status)


def _trigger_toasts(response: HttpResponse, toasts: list[dict[str, Any]]) -> None:
    """The page's `toasts` event (static/js/portal.js), its detail the list of toasts."""
    # django-htmx types an event's params as a dict, but HX-Trigger carries any JSON value; the page reads a list.
    trigger_client_event(response, "toasts", toasts)  # type: ignore[arg-type]


def _page_failure(exception: PostHogError) -> tuple[str, int]:
    """What a full page tells about an upstream error (the heading it shows) and the status it answers."""
    if isinstance(exception, EndpointNotFound):
        return "retired", 404
    if isinstance(exception, NotFound):
        return "missing", 404
    if isinstance(exception, PermissionDenied):
        return "refused", 403
    if isinstance(exception, ValidationError):
        return "declined", 400
    # A write whose answer was lost, read back: the page must not say "nothing was changed" when that is untrue.
    if isinstance(exception, AppliedUnread):
        return "applied", 502
    if isinstance(exception, OutcomeUnknown):
        return "unknown", 502
    return "failed", 502
