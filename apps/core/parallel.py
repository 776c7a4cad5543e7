"""Reads about many items at once: a page listing N items waits for its slowest read, not for the sum of N.

`attempt_all` is `apps.core.outcome.attempt` for a list of reads. Each read runs in a worker thread of a small
pool (POSTHOG_PARALLEL_READS at most) in a copy of the caller's context, so the request's deadline
(apps.posthog.deadline), time zone and anything else kept in context variables carry over; the reads share the
connection's pooled HTTP session, which requests and urllib3 make safe across threads.
"""

import contextvars
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, connections

from apps.core.outcome import Outcome, attempt


def attempt_all[T](reads: Sequence[Callable[[], T]], *, workers: int | None = None) -> list[Outcome[T]]:
    """Every read's value or PostHog error, in the order given; one read's failure never fails the others. Any
    other exception is a bug, and is raised as it would be from the reads run one after another."""
    limit = settings.POSTHOG_PARALLEL_READS if workers is None else workers
    if len(reads) <= 1 or limit <= 1 or connection.in_atomic_block:
        # Inside a transaction, what it wrote is invisible to a worker's own database connection, and a worker's
        # write (the client learns what the key may do) could wait on the transaction's locks: one at a time here.
        return [attempt(read) for read in reads]
    with ThreadPoolExecutor(max_workers=min(limit, len(reads)), thread_name_prefix="posthog-read") as pool:
        futures = [pool.submit(contextvars.copy_context().run, _in_worker, read) for read in reads]
        return [future.result() for future in futures]


@dataclass(frozen=True)
class Together:
    """The named reads of one page, each with its value or its PostHog error (`together`)."""

    outcomes: dict[str, Outcome[Any]]

    def __getitem__(self, name: str) -> Outcome[Any]:
        """A secondary read: the page shows its part, or the error's words in its place."""
        return self.outcomes[name]

    def value(self, name: str) -> Any:
        """A read the page cannot do without: its value, or its error raised as if it had been read alone."""
        outcome = self.outcomes[name]
        if outcome.error is not None:
            raise outcome.error
        return outcome.value


def together(**reads: Callable[[], Any]) -> Together:
    """A page's reads that do not depend on each other, issued at once: the page waits for the slowest, not for
    their sum. Each keeps its own error, so a failing secondary read still lets the rest of the page show."""
    names = list(reads)
    return Together(dict(zip(names, attempt_all([reads[name] for name in names]), strict=True)))


def _in_worker[T](read: Callable[[], T]) -> Outcome[T]:
    try:
        return attempt(read)
    finally:
        # The client's answer hook may have used the ORM, which opened a connection for this thread: the thread
        # ends with the pool, and its connection would be left open until the database times it out.
        connections.close_all()
