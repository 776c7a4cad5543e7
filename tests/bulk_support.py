"""What the bulk action tests share (apps/core/bulk.py, one flow in three areas): the htmx header, a page's text,
the toasts an answer carries and the confirmation's one-time token."""

import json
import re

HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return response.content.decode()


def toasts(response) -> str:
    """The toasts' words the answer carries to the page."""
    return " ".join(toast["message"] for toast in json.loads(response.headers["HX-Trigger"])["toasts"])


def token_of(page: str) -> str:
    """The confirmation's one-time token, which its Confirm button posts back."""
    return re.search(r'name="token" value="([^"]+)"', page).group(1)
