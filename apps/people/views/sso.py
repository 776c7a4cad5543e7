"""Single sign-on's two pages (mozilla-django-oidc's views, named in settings): the start, which sends the person to
the company's provider, and the callback the provider sends them back to. Neither needs a portal sign-in, and both
answer 404 while single sign-on is off."""

from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from apps.connections.request import PortalRequest
from apps.people.sso import REFUSAL_ATTRIBUTE, SsoUnavailable, oidc_setting


def _sso_on() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404("Single sign-on is not set up.")


def _failed(request: PortalRequest, reason: str) -> HttpResponse:
    messages.error(request, f"Signing in with {settings.OIDC_PROVIDER_NAME} did not work. {reason}")
    return redirect("login")


@method_decorator(login_not_required, name="dispatch")
class StartView(OIDCAuthenticationRequestView):
    """Endpoints come from the provider's discovery document when only its URL is set."""

    def __init__(self, **kwargs: Any) -> None:
        # The library reads its endpoint here; the portal reads it in get(), where a provider that is down can be
        # told to the person.
        View.__init__(self, **kwargs)

    get_settings = staticmethod(oidc_setting)

    def get(self, request: PortalRequest) -> HttpResponse:
        _sso_on()
        try:
            OIDCAuthenticationRequestView.__init__(self)
        except (SsoUnavailable, ImproperlyConfigured):
            return _failed(request, "The provider could not be reached: try again, or sign in with a password.")
        response: HttpResponse = super().get(request)
        return response


@method_decorator(login_not_required, name="dispatch")
class CallbackView(OIDCAuthenticationCallbackView):
    """What the library does, but a refused or failed sign-in says why on the sign-in page, never a 400 or 500."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request: PortalRequest) -> HttpResponse:
        _sso_on()
        try:
            response: HttpResponse = super().get(request)
        except SuspiciousOperation:
            # An unknown state (a forged or replayed answer, or another browser's) or a nonce that does not match.
            return _failed(request, "The answer could not be checked as this browser's: start again.")
        except (requests.RequestException, SsoUnavailable, ImproperlyConfigured):
            return _failed(request, "The provider could not be reached: try again.")
        return response

    def login_failure(self) -> HttpResponse:
        reason = getattr(self.request, REFUSAL_ATTRIBUTE, "") or "Start again from the sign-in page."
        return _failed(self.request, reason)
