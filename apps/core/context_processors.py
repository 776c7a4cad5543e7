from typing import Any

from django.http import HttpRequest

from apps.core.navigation import sections
from apps.core.roles import role_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "nav_sections": sections(),
        "user_role": role_of(user) if user and user.is_authenticated else None,
    }
