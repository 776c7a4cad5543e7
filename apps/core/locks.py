"""Locks every worker on every machine sees: one poll of a connection at a time, whoever starts the others.

A lock is a cache key added atomically (SET NX on Redis with REDIS_URL; in-process in the embedded default,
which is one process) holding a random token. It expires after `ttl` seconds: a worker killed in the middle of
a poll cannot hold it for ever, so `ttl` must outlast the task's hard time limit.
"""

import secrets
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from django.core.cache import cache


@contextmanager
def cache_lock(*, name: str, ttl: int) -> Iterator[bool]:
    """Yields whether this caller holds the lock; only the holder releases it, on leaving the block."""
    key = f"lock:{name}"
    token = secrets.token_hex(16)
    acquired = cache.add(key, token, timeout=ttl)
    try:
        yield acquired
    finally:
        # Compare, then delete: the lock changes hands between the two only if it expired in that instant,
        # and it cannot expire while its holder runs, since `ttl` outlasts the task's time limit.
        if acquired and cache.get(key) == token:
            cache.delete(key)


def connection_lock(*, kind: str, connection_id: int, ttl: int) -> AbstractContextManager[bool]:
    """The lock of one kind of poll (logs, delivery, activity) of one connection."""
    return cache_lock(name=f"{kind}:{connection_id}", ttl=ttl)
