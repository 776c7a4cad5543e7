"""Settling a write whose answer was lost: what PostHog holds, read back, against what was sent.

Used by the client when a write was sent but its outcome is unknown (`OutcomeUnknown`): an unreadable answer, a
connection dropped after sending, a timeout. Repeating a POST or PATCH could make the change twice, so the client
never does; it reads the object back and compares instead. Deliberately free of Django."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

APPLIED = "applied"
NOT_APPLIED = "not applied"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Settlement:
    state: str  # APPLIED, NOT_APPLIED or UNKNOWN
    held: Any = None  # the object as PostHog holds it, when read
    read: bool = True  # False when nothing was read back (a write with no way to read it): the error must not say so


def settle_update(*, sent: Any, held: Any, before: Any, skip: frozenset[str] = frozenset()) -> Settlement:
    """A PATCH or PUT read back: applied when PostHog holds every sent value; not applied when every value that
    differs is still what it was before the write; anything else (no before, someone else's change meanwhile, a
    value PostHog stores in another form) cannot be told apart and stays unknown. Secret fields (`skip`) are
    never compared: PostHog masks them in its answers."""
    if not isinstance(sent, dict) or not isinstance(held, dict):
        return Settlement(UNKNOWN, held)
    compared = {key: value for key, value in sent.items() if key not in skip}
    differing = [key for key, value in compared.items() if not same_value(value, held.get(key))]
    if not differing:
        return Settlement(APPLIED, held)
    if isinstance(before, dict) and all(same_value(held.get(key), before.get(key)) for key in differing):
        return Settlement(NOT_APPLIED, held)
    return Settlement(UNKNOWN, held)


def settle_gone(*, method: str, sent: Any) -> Settlement:
    """The object is not found when read back: a DELETE, or a PATCH that soft-deletes (PostHog's viewsets hide
    `deleted` objects, posthog/api/routing.py safely_get_queryset), was applied; any other write is unknown."""
    if method == "DELETE" or (isinstance(sent, dict) and sent.get("deleted") is True):
        return Settlement(APPLIED)
    return Settlement(UNKNOWN)


def settle_still_there(*, method: str, held: Any, before: Any = None) -> Settlement:
    """A DELETE read back and the object still answers: not applied, unless PostHog marks it deleted, or it was
    enabled before and is disabled now (posthog/api/plugin.py PluginConfigViewSet: deleting a config disables it)."""
    if isinstance(held, dict) and held.get("deleted") is True:
        return Settlement(APPLIED, held)
    switched_off = isinstance(before, dict) and before.get("enabled") is True and held.get("enabled") is False
    if method == "DELETE" and isinstance(held, dict) and switched_off:
        return Settlement(APPLIED, held)
    return Settlement(NOT_APPLIED if method == "DELETE" else UNKNOWN, held)


def same_value(sent: Any, held: Any) -> bool:
    """Equal as PostHog would store them: times compared as instants ("…T10:00:00Z" = "…T10:00:00+00:00"),
    missing = None, and objects and lists item by item."""
    if sent == held:
        return True
    if isinstance(sent, str) and isinstance(held, str):
        first, second = _instant(sent), _instant(held)
        return first is not None and first == second
    if isinstance(sent, dict) and isinstance(held, dict):
        keys = set(sent) | set(held)
        return all(same_value(sent.get(key), held.get(key)) for key in keys)
    if isinstance(sent, list) and isinstance(held, list):
        return len(sent) == len(held) and all(same_value(a, b) for a, b in zip(sent, held, strict=True))
    return False


def _instant(text: str) -> datetime | None:
    if len(text) < 16 or not text[:4].isdigit():
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
