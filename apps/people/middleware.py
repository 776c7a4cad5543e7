"""Times on every page in the zone the signed-in person chose (or UTC, one click away in the top bar)."""

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from apps.people.models import UTC_NAME
from apps.people.selectors import preference_time_zone

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
