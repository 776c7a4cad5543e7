from typing import Any

from django.http import HttpRequest
from django.utils import timezone


def time_zone(request: HttpRequest) -> dict[str, Any]:
    """`time_zone`: the zone times on this page are shown in (templates print it beside them, never "UTC" as a
    literal); `time_zone_own`: the signed-in person's chosen zone, for the top bar's switch."""
    return {
        "time_zone": timezone.get_current_timezone_name(),
        "time_zone_own": getattr(request, "time_zone_own", None),
    }
