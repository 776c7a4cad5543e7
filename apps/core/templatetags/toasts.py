"""The action a toast on a full page carries (an Undo after a redirect), for static/js/portal.js to draw."""

import json
from dataclasses import asdict

from django import template
from django.contrib.messages.storage.base import Message

from apps.core.toasts import toast_action_of

register = template.Library()


@register.filter
def toast_action(message: Message) -> str:
    """The action as JSON for a `data-action` attribute (escaped there like any value), or "" for none."""
    action = toast_action_of(message)
    return json.dumps(asdict(action)) if action else ""
