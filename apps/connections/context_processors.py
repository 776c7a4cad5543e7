from typing import Any

from apps.connections.models import Connection
from apps.connections.request import PortalRequest


def posthog_context(request: PortalRequest) -> dict[str, Any]:
    """The switcher's choices and the picked connection, for every signed-in page."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "posthog": request.posthog,
        "switcher_connections": Connection.objects.only("pk", "name"),
    }
