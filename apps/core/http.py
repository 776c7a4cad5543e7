from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect


def htmx_redirect(request: HttpRequest, to: str, *, next_url: str = "", **kwargs: Any) -> HttpResponse:
    """Redirect after a write; htmx requests get HX-Redirect so the whole page (and its toasts) reloads."""
    url = resolve_url(to, **kwargs)
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        url = next_url
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)
