"""What a connection's key may do on its PostHog, learned from PostHog's own answers and consulted by pages.

Every answer the client gets passes through `capability_learn` (the client's `on_answer` hook): when the request
is one of the actions in apps.posthog.actions and the answer says something about it (done, refused to personal
keys, a missing scope, the plugin access level, no such endpoint), the connection remembers it. "Test connection"
(apps.connections.probe) learns the rest up front. Pages ask `request.posthog.unavailable.<action>` before showing
a control, so nobody fills in a form PostHog will refuse.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from apps.connections.cached import CAPABILITIES, cached_forget, connection_cached_read
from apps.connections.models import Capability, CapabilityReport, Connection
from apps.posthog.actions import BY_KEY, action_for, app_url
from apps.posthog.errors import (
    AccessLevelInsufficient,
    EndpointNotFound,
    MissingScope,
    PersonalKeyRefused,
    PostHogError,
    ValidationError,
)

CACHE_SECONDS = 3600
_REFUSALS: tuple[tuple[type[PostHogError], str], ...] = (
    (PersonalKeyRefused, Capability.PERSONAL_KEY_REFUSED),
    (MissingScope, Capability.MISSING_SCOPE),
    (AccessLevelInsufficient, Capability.ACCESS_LEVEL),
    (EndpointNotFound, Capability.RETIRED),
)
REASONS = {
    Capability.PERSONAL_KEY_REFUSED: "PostHog does not accept personal API keys for this action, whatever the key's "
    "scopes.",
    Capability.MISSING_SCOPE: "The API key lacks the scope PostHog requires for this.",
    Capability.ACCESS_LEVEL: "The organization's plugin access level does not allow this (it needs Install).",
    Capability.RETIRED: "This PostHog no longer offers this (its version has no such endpoint).",
}


def learned_state(error: PostHogError | None) -> tuple[str, str] | None:
    """(state, PostHog's words) an answer tells about its action, or None when it tells nothing (an outage, a
    missing object, a throttle)."""
    if error is None:
        return Capability.ALLOWED, ""
    for kind, state in _REFUSALS:
        if isinstance(error, kind):
            return state, error.detail
    if isinstance(error, ValidationError):
        return Capability.ALLOWED, ""  # the action exists and the key may use it: only the body was refused
    return None


def capability_learn(*, connection: Connection, method: str, path: str, error: PostHogError | None) -> None:
    """The client's on_answer hook: remember what this answer says about its action. OPTIONS answers (probes of
    whether an endpoint exists) pass PostHog's read check only, so they say nothing about the action itself."""
    if method == "OPTIONS" or (action := action_for(method, path)) is None:
        return
    if (learned := learned_state(error)) is None:
        return
    state, detail = learned
    capability_record(connection=connection, action=action.key, state=state, detail=detail, source=Capability.REQUEST)


def capability_record(*, connection: Connection, action: str, state: str, detail: str, source: str) -> None:
    """Store what was learned, when it changed (most answers repeat what is known: a cache look-up, no write)."""
    marker = f"{state}|{detail}"
    key = _cache_key(connection, action)
    if cache.get(key) == marker:
        return
    Capability.objects.update_or_create(
        connection=connection,
        action=action,
        defaults={"state": state, "detail": detail[:2000], "learned_from": source, "learned_at": timezone.now()},
    )
    cache.set(key, marker, CACHE_SECONDS)
    cached_forget(connection=connection, name=CAPABILITIES)


def capability_forget_retired(*, connection: Connection, action: str) -> None:
    """The endpoint exists after all (PostHog was upgraded): what was learned of its absence no longer holds."""
    Capability.objects.filter(connection=connection, action=action, state=Capability.RETIRED).delete()
    cache.delete(_cache_key(connection, action))
    cached_forget(connection=connection, name=CAPABILITIES)


@transaction.atomic
def capabilities_forget(*, connection: Connection) -> None:
    """A new key or host: what the old one was allowed says nothing about the new one."""
    Capability.objects.filter(connection=connection).delete()
    CapabilityReport.objects.filter(connection=connection).delete()
    keys = [_cache_key(connection, action) for action in BY_KEY]
    # Now, so this request's own answers are written again, and after the commit, so a concurrent answer that
    # cached the old key's state in between is forgotten too.
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
    cached_forget(connection=connection, name=CAPABILITIES)


def _cache_key(connection: Connection, action: str) -> str:
    # The row's creation instant as well as its id: a database made afresh (ids from 1 again) beside a cache that
    # outlived it must not find the old connections' markers and skip writing the new ones.
    created = connection.created_at.timestamp() if connection.created_at else ""
    return f"capability:{connection.pk}:{created}:{action}"


@dataclass(frozen=True)
class Refusal:
    """Why an action is unavailable on this connection, in words, and where PostHog's app offers it instead."""

    action: str
    label: str
    state: str
    reason: str
    detail: str
    app_url: str
    learned_at: object
    learned_from: str


class Unavailable:
    """`unavailable.plugin_config_rearrange` is a Refusal when the connection has learned that PostHog refuses or
    lacks that action, else None (allowed, or not known yet: the page then offers it and learns from the answer)."""

    def __init__(self, *, connection: Connection | None, project_id: str = "") -> None:
        self._connection = connection
        self._project_id = project_id
        self._rows: dict[str, Capability] | None = None

    def _known(self) -> dict[str, Capability]:
        if self._rows is None:
            # Kept briefly across requests (every page asks); whatever learns something new forgets it.
            connection = self._connection
            rows = (
                connection_cached_read(
                    connection=connection,
                    name=CAPABILITIES,
                    read=lambda: list(Capability.objects.filter(connection=connection)),
                )
                if connection
                else []
            )
            self._rows = {row.action: row for row in rows}
        return self._rows

    def __getattr__(self, action: str) -> Refusal | None:
        if action.startswith("_"):
            raise AttributeError(action)
        return self.get(action)

    def __getitem__(self, action: str) -> Refusal | None:
        return self.get(action)

    def get(self, action: str) -> Refusal | None:
        row = self._known().get(action)
        if row is None or not row.refused or self._connection is None:
            return None
        registered = BY_KEY[action]
        return Refusal(
            action=action,
            label=registered.label,
            state=row.state,
            reason=_reason(row),
            detail=row.detail,
            # A retired action is gone from PostHog's app too: pointing there would send people looking for it.
            app_url=""
            if row.state == Capability.RETIRED
            else app_url(host=self._connection.host, action=registered, project_id=self._project_id),
            learned_at=row.learned_at,
            learned_from=row.get_learned_from_display(),
        )

    def all(self) -> list[Refusal]:
        return [refusal for action in sorted(self._known()) if action in BY_KEY and (refusal := self.get(action))]


def _reason(row: Capability) -> str:
    if row.state == Capability.MISSING_SCOPE:
        scope = MissingScope(row.detail).scope
        if scope:
            return f"The API key lacks the scope “{scope}” that PostHog requires for this."
    return REASONS.get(row.state, "PostHog refused this.")
