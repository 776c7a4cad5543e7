"""The code page a password sign-in of an account with an authenticator goes through (TwoFactorMiddleware sends it
there); setting the authenticator up is on the account page (views/account.py)."""

from django.contrib.auth.models import User
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from apps.connections.request import PortalRequest
from apps.core.http import htmx_redirect
from apps.people import services
from apps.people.forms import TwoFactorCodeForm


def _me(request: PortalRequest) -> User:
    assert isinstance(request.user, User)  # LoginRequiredMiddleware: nobody else reaches these views
    return request.user


def _next(request: PortalRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return url if safe else ""


@require_http_methods(["GET", "POST"])
def two_factor_verify(request: PortalRequest) -> HttpResponse:
    """The second step of a password sign-in: until the code is given, this is the only page that opens."""
    me = _me(request)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.two_factor_verify(user=me, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return htmx_redirect(request, _next(request) or "home")
        form.add_error("code", TwoFactorCodeForm.WRONG)
    status = 400 if request.method == "POST" else 200
    return render(request, "people/two_factor_verify.html", {"form": form, "next": _next(request)}, status=status)
