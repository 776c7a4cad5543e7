"""What a saved view may point at: a page of the portal that answers GET, never another site (a saved view is a link
in everyone's navigation, so a path that led elsewhere would be an open redirect)."""

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

from django.core.exceptions import TooManyFieldsSent
from django.http import QueryDict
from django.urls import Resolver404, resolve

HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
# Pages a saved view makes no sense of: saving views themselves, and signing out.
NOT_SAVED = frozenset({"saved_views", "logout"})


def path_clean(path: str) -> str | None:
    """The path (as a browser sends it, percent-encoded) when it is a GET page of the portal, else None. A scheme, a
    host, "//", a backslash or a control character is refused before resolving, encoded or not: browsers read
    "/\\evil.example" and "//evil.example" as other sites."""
    decoded = unquote(path)
    if not path.startswith("/") or decoded.startswith("//") or "\\" in decoded:
        return None
    if any(ord(char) < 32 or ord(char) == 127 for char in decoded):
        return None
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or parts.query or parts.fragment or parts.path != path:
        return None
    try:
        match = resolve(decoded)
    except Resolver404:
        return None
    if match.view_name in NOT_SAVED or match.namespace in NOT_SAVED:
        return None
    return path if _answers_get(match.func) else None


def query_clean(query: str) -> str | None:
    """The querystring re-encoded (so what the link carries is what Django parsed), without a leading "?"; None when
    Django would refuse it as a request's (more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS)."""
    try:
        return QueryDict(query.removeprefix("?")).urlencode()
    except TooManyFieldsSent:
        return None


def _answers_get(view: Callable[..., Any]) -> bool:
    """Whether a view answers GET: a class-based view by its handlers; a function by the method list its
    require_GET / require_POST / require_http_methods decorator keeps in a closure (Django offers no other way to
    read it). A view that declares no methods answers any."""
    if view_class := getattr(view, "view_class", None):
        return "get" in view_class.http_method_names and hasattr(view_class, "get")
    declared: set[str] = set()
    seen: set[int] = set()
    stack: list[Any] = [view]
    while stack:
        item = stack.pop()
        if id(item) in seen or not callable(item):
            continue
        seen.add(id(item))
        for cell in getattr(item, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:  # a cell not yet filled
                continue
            if isinstance(value, list | tuple | set | frozenset) and value and set(value) <= HTTP_METHODS:
                declared.update(value)
            elif callable(value):
                stack.append(value)
        if wrapped := getattr(item, "__wrapped__", None):
            stack.append(wrapped)
    return not declared or "GET" in declared
