"""What changes slowly on PostHog, kept briefly in Django's cache (Redis when configured), so a second view of a
page does not ask again: the plugin catalogue, the organization's projects and environments, group types, property
definitions, what the connection's key was found to be allowed, and whose key it is.

An entry belongs to one connection and one key: its cache key holds the connection's id and creation instant and a
fingerprint of its host and API key (a keyed hash, never the key), so another connection never reads it, and a new
key or host starts afresh without anyone forgetting anything. It also holds the organization, project and
environment the page works on. Values are PostHog's answers as the selectors keep them; nothing secret is read
through here (a project's tokens are not: `project_get` asks every time).

Forgetting is by name and connection: each (connection, name) has a generation token inside its entries' keys, and
`cached_forget` replaces it, so every variant (every project, every group type) is forgotten at once without
listing keys. The portal's own writes forget what they change (`cached_forget_written`, from the client's write
hook); what PostHog changes by other hands shows within the lifetime (POSTHOG_READ_CACHE_SECONDS).
"""

import re
import uuid
from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.crypto import salted_hmac

from apps.connections.models import Connection

if TYPE_CHECKING:  # the context imports the capabilities, which read through here
    from apps.connections.context import PostHogContext

PLUGINS = "plugins"
PROJECTS = "projects"
GROUP_TYPES = "group_types"
PROPERTY_DEFINITIONS = "property_definitions"
CAPABILITIES = "capabilities"
KEY_OWNER = "key_owner"  # the user the key belongs to (users/@me), by name only

# Which of the names a write to a PostHog path changes. A write the table misses shows within the lifetime.
_WRITES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    # Install, edit, uninstall, upgrade, source edits: the catalogue shows names, tags, icons.
    (re.compile(r"^/api/organizations/[^/]+/plugins/"), (PLUGINS,)),
    # A project's own writes (its name, its tokens, onboarding) and its environments.
    (re.compile(r"^/api/organizations/[^/]+/projects/"), (PROJECTS,)),
    (re.compile(r"^/api/(projects|environments)/[^/]+/$"), (PROJECTS,)),
    (re.compile(r"^/api/projects/[^/]+/environments/"), (PROJECTS,)),
    (re.compile(r"^/api/(projects|environments)/[^/]+/groups_types/"), (GROUP_TYPES,)),
    # A group's new or removed property changes the names PostHog suggests for its type.
    (re.compile(r"^/api/(projects|environments)/[^/]+/groups/"), (PROPERTY_DEFINITIONS,)),
    (re.compile(r"^/api/(projects|environments)/[^/]+/property_definitions/"), (PROPERTY_DEFINITIONS,)),
)
# Generations outlive every entry by far; a lost one (evicted) only starts its entries afresh.
_GENERATION_SECONDS = 24 * 3600
_MISSING = object()


def cached_read[T](
    *,
    context: "PostHogContext",
    name: str,
    read: Callable[[], T],
    seconds: int | None = None,
    parts: Sequence[Hashable] = (),
) -> T:
    """`read()`'s answer for the page's connection, organization, project and environment (and `parts`, what
    else the answer depends on), from the cache when a recent one is kept. PostHog's errors pass through and are
    not kept."""
    if context.connection is None:
        return read()
    return connection_cached_read(
        connection=context.connection, name=name, read=read, seconds=seconds, parts=_on_page(context, parts)
    )


def cached_kept(*, context: "PostHogContext", name: str, parts: Sequence[Hashable] = ()) -> tuple[bool, object]:
    """(True, the kept answer) when `cached_read` with the same arguments would answer without asking PostHog,
    else (False, None): for a page that shows what is kept at once and fetches the rest after it."""
    if context.connection is None or context.connection.pk is None or settings.POSTHOG_READ_CACHE_SECONDS <= 0:
        return False, None
    found = cache.get(_entry_key(context.connection, name, _on_page(context, parts)), _MISSING)
    return (False, None) if found is _MISSING else (True, found)


def connection_cached_read[T](
    *,
    connection: Connection,
    name: str,
    read: Callable[[], T],
    seconds: int | None = None,
    parts: Sequence[Hashable] = (),
) -> T:
    """`cached_read` for what belongs to the connection as a whole (the pollers', the capabilities')."""
    lifetime = settings.POSTHOG_READ_CACHE_SECONDS if seconds is None else seconds
    if lifetime <= 0 or connection.pk is None:
        return read()
    key = _entry_key(connection, name, parts)
    found = cache.get(key, _MISSING)
    if found is not _MISSING:
        return found  # what `read` answered when the entry was kept
    value = read()
    cache.set(key, value, lifetime)
    return value


def _on_page(context: "PostHogContext", parts: Sequence[Hashable]) -> tuple[Hashable, ...]:
    # The project as well as the organization, even for organization-wide answers: a key sees what its project's
    # organization holds, and one entry per project costs a request per switch, never a wrong answer.
    return (context.organization_id, context.project_id, context.environment_id, context.environment_picked, *parts)


def cached_forget(*, connection: Connection, name: str) -> None:
    """Forget every entry of `name` for the connection: now, so this request's next read asks PostHog, and again
    after the transaction commits, so a read made meanwhile from what the transaction had not yet written (the
    capabilities are rows) is forgotten too."""

    def forget() -> None:
        cache.set(_generation_key(connection, name), uuid.uuid4().hex, _GENERATION_SECONDS)

    forget()
    transaction.on_commit(forget)


def cached_forget_written(*, connection: Connection, path: str) -> None:
    """The client's write hook: forget what a write to this PostHog path changes, whether or not it succeeded (a
    write whose answer was lost may have happened)."""
    for pattern, names in _WRITES:
        if pattern.match(path):
            for name in names:
                cached_forget(connection=connection, name=name)


def key_fingerprint(connection: Connection) -> str:
    """Names the connection's host and key in a cache key without holding either: a keyed hash (SECRET_KEY), cut
    short; another key or host gives another fingerprint."""
    identity = f"{connection.host.rstrip('/')}\n{connection.api_key}"
    return salted_hmac("apps.connections.cached", identity, algorithm="sha256").hexdigest()[:24]


def _owner(connection: Connection) -> str:
    # The row's creation instant as well as its id: a database made afresh (ids from 1 again) beside a cache that
    # outlived it must not find the old connections' entries.
    created = connection.created_at.timestamp() if connection.created_at else ""
    return f"{connection.pk}:{created}:{key_fingerprint(connection)}"


def _generation_key(connection: Connection, name: str) -> str:
    return f"posthog-read:gen:{_owner(connection)}:{name}"


def _generation(connection: Connection, name: str) -> str:
    key = _generation_key(connection, name)
    generation = cache.get(key)
    if generation is None:
        # None kept yet (or evicted): a fresh one, so no entry of an earlier generation can be found again.
        cache.add(key, uuid.uuid4().hex, _GENERATION_SECONDS)
        generation = cache.get(key) or ""
    return str(generation)


def _entry_key(connection: Connection, name: str, parts: Sequence[Hashable]) -> str:
    variant = salted_hmac("apps.connections.cached.parts", repr(tuple(parts)), algorithm="sha256").hexdigest()[:24]
    return f"posthog-read:{_owner(connection)}:{name}:{_generation(connection, name)}:{variant}"
