"""The one answer to "whole page or just the part htmx swaps in?"."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx request that swaps part of the page; a history restore (Back after the cache dropped the page)
    asks for the whole page, as does any request without htmx."""
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return False
    return not htmx.history_restore_request


def fragment_or_page(request: HttpRequest, template: str, fragment: str) -> str:
    """`template#fragment` (a `{% partialdef %}`) for an htmx swap, else the whole `template`."""
    return f"{template}#{fragment}" if wants_fragment(request) else template


def render_fragment_or_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, fragment: str, status: int = 200
) -> HttpResponse:
    return render(request, fragment_or_page(request, template, fragment), context, status=status)
