from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from apps.people.selectors import sso_provider_name


def time_zone(request: HttpRequest) -> dict[str, Any]:
    """`time_zone`: the zone times on this page are shown in (templates print it beside them, never "UTC" as a
    literal); `time_zone_own`: the signed-in person's chosen zone, for the top bar's switch."""
    return {
        "time_zone": timezone.get_current_timezone_name(),
        "time_zone_own": getattr(request, "time_zone_own", None),
    }


def sign_in(request: HttpRequest) -> dict[str, Any]:
    """`sso_provider`: the name on the sign-in page's single sign-on button, None when single sign-on is off."""
    return {"sso_provider": sso_provider_name()}
