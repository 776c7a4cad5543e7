from typing import Any

from django.http import HttpRequest

from apps.alerts.selectors import notification_unread_count


def alerts_unread(request: HttpRequest) -> dict[str, Any]:
    """`alerts_unread`: the signed-in person's unread notifications, for the top bar (one query a page). Lazy, so a
    page that never shows the top bar (an htmx fragment) never counts."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"alerts_unread": lambda: notification_unread_count(user=user)}
