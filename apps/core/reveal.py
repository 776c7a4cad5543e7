"""A secret is shown once: in the answer to the POST that made it, never behind a redirect, in the session, a
cache or a later page."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.http import replace_url, reswap, retarget


def secret_shown_once(request: HttpRequest, template: str, context: dict[str, Any], *, url_after: str) -> HttpResponse:
    """htmx swaps the page's content for the template's `revealed` partial and puts `url_after` in the address
    bar, so a reload shows that page without the secret; a plain form post gets the whole page."""
    if not getattr(request, "htmx", False):
        return render(request, template, context)
    response = render(request, f"{template}#revealed", context)
    retarget(response, "#content")
    reswap(response, "innerHTML")
    replace_url(response, url_after)
    return response
