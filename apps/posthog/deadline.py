"""One upstream time budget per page or action, shared by all its PostHog requests and their retries.

A page that reads five things from a hanging PostHog must still answer before the web server gives up on it: the
middleware opens a `deadline` for the request, and the client shortens each attempt's timeout and skips retries so
the whole page stays inside it. Kept in a context variable, so a worker thread that reads on the page's behalf
(see `apps.core.parallel`) carries it with a copied context. Deliberately free of Django, like the client."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Deadline:
    budget: float  # seconds, as the person is told ("PostHog did not answer in 20 s")
    ends: float  # time.monotonic() value

    def remaining(self) -> float:
        return self.ends - time.monotonic()

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0


_current: ContextVar[Deadline | None] = ContextVar("posthog_deadline", default=None)


def current_deadline() -> Deadline | None:
    return _current.get()


@contextmanager
def deadline(seconds: float, *, replace: bool = False) -> Iterator[Deadline]:
    """Requests inside share `seconds`. Nested inside another deadline the earlier end wins, unless `replace`
    (reading a write's outcome back gets a short budget of its own even when the page's has run out: telling
    the person what PostHog holds matters more than the page's time)."""
    outer = _current.get()
    mine = Deadline(budget=seconds, ends=time.monotonic() + seconds)
    if outer is not None and not replace and outer.ends < mine.ends:
        mine = outer
    token = _current.set(mine)
    try:
        yield mine
    finally:
        _current.reset(token)
