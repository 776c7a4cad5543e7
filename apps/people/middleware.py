"""Times on every page in the zone the signed-in person chose (or UTC, one click away in the top bar), and the
second step of a password sign-in for a person with an authenticator."""

import zoneinfo
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from apps.core.http import htmx_redirect
from apps.people.models import UTC_NAME
from apps.people.selectors import preference_time_zone, two_factor_offered, two_factor_on

# The session's "show UTC for now" switch (the top bar's button); the chosen zone stays as it is.
SESSION_SHOW_UTC = "people.show_utc"


def utc_shown(request: HttpRequest) -> bool:
    return bool(request.session.get(SESSION_SHOW_UTC))


class TimeZoneMiddleware:
    """Activates the zone for the request, so `|date` shows local times; after the response, UTC again (the zone is
    per thread, and the next request on this thread may be someone else's)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        own = UTC_NAME
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            own = preference_time_zone(user=user)
            # What the top bar offers: the person's own zone, and whether UTC is shown instead for now.
            request.time_zone_own = own  # type: ignore[attr-defined]
        shown = UTC_NAME if own == UTC_NAME or utc_shown(request) else own
        timezone.activate(zoneinfo.ZoneInfo(shown))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


SSO_BACKEND = "apps.people.sso.PortalOIDCBackend"
# What a person signed in with a password but not yet past their code may open: the code page, and signing out.
VERIFY_OPEN = frozenset({"people:two_factor_verify", "logout"})
# What an Admin who must set up two-factor sign-in (REQUIRE_ADMIN_2FA) may open: their account page, where they do.
ENROL_OPEN = frozenset({"people:account", "people:two_factor_start", "people:two_factor_confirm", "logout"})


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware: a password sign-in of a person with a confirmed authenticator is not done
    until their code is given, so every page but the code page sends them there. With REQUIRE_ADMIN_2FA, a local
    Admin without one is sent to set one up. Single sign-on leaves the second factor to the company's provider."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user: Any = request.user
        if not user.is_authenticated or not getattr(view_func, "login_required", True):
            return None
        if request.session.get(BACKEND_SESSION_KEY) == SSO_BACKEND or user.is_verified():
            return None
        name = request.resolver_match.view_name if request.resolver_match else ""
        if two_factor_on(user=user):
            if name in VERIFY_OPEN:
                return None
            url = f"{reverse('people:two_factor_verify')}?{urlencode({'next': request.get_full_path()})}"
            return htmx_redirect(request, url)
        if settings.REQUIRE_ADMIN_2FA and name not in ENROL_OPEN and two_factor_offered(user=user):
            messages.info(request, "Set up two-factor sign-in first: Admins of this portal need it.")
            return htmx_redirect(request, "people:account")
        return None
