"""Toasts with one action button (an "Undo"), for writes that htmx requests answer in place.

The action rides along with its message for this request only: the next full page shows the message without
its button. So a view that offers an action answers its htmx request itself instead of redirecting. An action that
is safe to click a page later (an Undo token of apps/core/undo.py: it expires and works once) goes with its message
instead (`next_page`), so the page a redirect opens shows it with its button too.
"""

import html
import json
from dataclasses import asdict, dataclass
from typing import Any

from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.http import HttpRequest
from django.utils.html import strip_tags
from django.utils.safestring import SafeData

ACTION_METHODS = frozenset({"get", "post", "put", "patch", "delete"})
# The request's attribute holding {message: action} for this request only; `toast_payload` reads it.
_ACTIONS = "toast_actions"
# A message's extra tags holding its action, for the next page: this prefix, then the action as JSON.
_ACTION_TAG = "toast-action:"


@dataclass(frozen=True)
class ToastAction:
    label: str
    url: str  # a path on this portal; the button sends it with htmx, CSRF token included
    method: str = "post"

    def __post_init__(self) -> None:
        if self.method not in ACTION_METHODS:
            raise ValueError(f"Not an htmx method: {self.method}")
        if not self.url.startswith("/") or self.url.startswith("//"):
            raise ValueError("A toast action's URL must be a path on this portal")


def toast_with_action(
    request: HttpRequest, message: str, *, action: ToastAction, level: int = messages.SUCCESS, next_page: bool = False
) -> None:
    extra_tags = _ACTION_TAG + json.dumps(asdict(action)) if next_page else ""
    messages.add_message(request, level, message, extra_tags=extra_tags)
    setattr(request, _ACTIONS, {**getattr(request, _ACTIONS, {}), message: action})


def toast_action_of(message: Message) -> ToastAction | None:
    """The action a message carries to the next page (`next_page`), for the toasts a full page shows."""
    tags = str(message.extra_tags or "")
    if not tags.startswith(_ACTION_TAG):
        return None
    try:
        return ToastAction(**json.loads(tags.removeprefix(_ACTION_TAG)))
    except (TypeError, ValueError):
        return None  # not one we wrote: no button rather than a broken one


def toast_payload(request: HttpRequest, message: Message) -> dict[str, Any]:
    """What the page's `toasts` event handler takes: {level, message} and, when the view gave one, action."""
    # A message may hold a link (made with format_html, so marked safe) for the next full page; a
    # toast shows text only. Plain messages stay as written: "<access>" in a name is text, not a tag.
    # (The toast sets it as text, so the escapes format_html made are undone.)
    text = html.unescape(strip_tags(str(message))) if isinstance(message.message, SafeData) else str(message)
    toast: dict[str, Any] = {"level": message.level_tag, "message": text}
    action = getattr(request, _ACTIONS, {}).get(str(message)) or toast_action_of(message)
    if action is not None:
        toast["action"] = asdict(action)
    return toast
