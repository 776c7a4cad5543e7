"""The pollers' share of PostHog's rate limit, counted in the cache so every worker on every machine shares it.

With Redis as the cache (REDIS_URL) the count is one atomic INCR per request; the embedded default counts
in-process, which is right for its single process. Windows are calendar minutes: a conservative count
(a refused request still counts), so the pollers never take more than their share of a minute.
"""

import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60


def budget_per_minute() -> int:
    return max(1, int(settings.POSTHOG_RATE_LIMIT_PER_MINUTE * settings.HISTORY_POLL_BUDGET_SHARE))


def budget_take(*, connection_id: int, requests: int = 1, now: float | None = None) -> bool:
    """Claim `requests` of this minute's budget; False (and nothing may be sent) when it is spent or throttled."""
    now = time.time() if now is None else now
    if throttled_for(connection_id=connection_id, now=now) > 0:
        return False
    key = _window_key(connection_id, now)
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    return cache.incr(key, requests) <= budget_per_minute()


def budget_used(*, connection_id: int, now: float | None = None) -> int:
    return cache.get(_window_key(connection_id, time.time() if now is None else now), 0)


def throttle_note(*, connection_id: int, seconds: float, now: float | None = None) -> None:
    """PostHog said 429: every poller of this connection waits until it may ask again."""
    until = (time.time() if now is None else now) + max(1.0, seconds)
    cache.set(f"poll-throttled:{connection_id}", until, timeout=int(seconds) + 5)


def throttled_for(*, connection_id: int, now: float | None = None) -> float:
    until = cache.get(f"poll-throttled:{connection_id}")
    return max(0.0, until - (time.time() if now is None else now)) if until else 0.0


def _window_key(connection_id: int, now: float) -> str:
    return f"poll-budget:{connection_id}:{int(now // WINDOW_SECONDS)}"
