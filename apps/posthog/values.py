"""Reading the values PostHog's JSON carries: times and the people it names. No Django here."""

from datetime import UTC, datetime
from typing import Any


def moment(value: Any) -> datetime | None:
    """A PostHog timestamp ("2026-12-06T08:00:00Z", "…+00:00", or without a zone, which PostHog means as UTC) as an
    aware datetime in UTC; None for anything else (missing, null, not a time)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def person_name(user: Any) -> str:
    """How to name a user object PostHog embeds (`created_by`, a list's `users`): full name, else email."""
    if not isinstance(user, dict):
        return ""
    full = f"{user.get('first_name') or ''} {user.get('last_name') or ''}".strip()
    return full or str(user.get("email") or "")
