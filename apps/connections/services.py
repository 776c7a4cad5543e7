"""Writes to connections, and the PostHog client every area gets for the current connection."""

import threading
from functools import partial
from typing import TYPE_CHECKING, Any

import requests
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction

from apps.audit.services import audit_record_local, audit_record_write
from apps.connections.cached import cached_forget_written
from apps.connections.capabilities import capabilities_forget, capability_learn
from apps.connections.models import Connection, WatchedProject
from apps.connections.probe import CheckResult, connection_check
from apps.posthog.actions import action_for, app_url
from apps.posthog.client import PostHogClient, WriteRecord, pooled_session
from apps.posthog.errors import PostHogError

if TYPE_CHECKING:  # the selectors build their client here: a run-time import would go round in a circle
    from apps.connections.selectors.watching import WatchedTarget

# Who a change to a connection is recorded for: the signed-in person, or nobody (the server's own settings).
type Actor = User | AnonymousUser | None

_sessions: dict[tuple[int, str], requests.Session] = {}
_sessions_lock = threading.Lock()


def _session_for(connection: Connection) -> requests.Session:
    """One pooled HTTP session per connection (and key), reused across requests."""
    cache_key = (connection.pk, connection.updated_at.isoformat() if connection.updated_at else "")
    with _sessions_lock:
        session = _sessions.get(cache_key)
        if session is None:
            for stale in [k for k in _sessions if k[0] == connection.pk]:
                _sessions.pop(stale).close()
            session = _sessions[cache_key] = pooled_session()
        return session


def client_for(
    *,
    connection: Connection,
    actor: object = None,
    max_retries: int = 3,
    max_total_wait: float | None = None,
    project_id: str = "",
) -> PostHogClient:
    """The client for a connection; every write it makes is audited in the name of `actor`, and every answer
    teaches the connection what its key may do (`project_id` names the project for links into PostHog's app)."""
    return PostHogClient(
        host=connection.host,
        api_key=connection.api_key,
        session=_session_for(connection),
        max_retries=max_retries,
        timeout=(settings.POSTHOG_CONNECT_TIMEOUT, settings.POSTHOG_READ_TIMEOUT),
        max_total_wait=settings.POSTHOG_MAX_RETRY_WAIT if max_total_wait is None else max_total_wait,
        on_write=partial(_written, actor, connection),
        on_answer=partial(_answered, connection, project_id),
    )


def _written(actor: object, connection: Connection, record: WriteRecord) -> None:
    audit_record_write(actor=actor, connection=connection, record=record)
    cached_forget_written(connection=connection, path=record.path)


def _answered(connection: Connection, project_id: str, method: str, path: str, error: PostHogError | None) -> None:
    if error is not None and (action := action_for(method, path)) is not None:
        # Where a person signed in to PostHog can do what the key was refused (or see what this version offers).
        error.app_url = app_url(host=connection.host, action=action, path=path, project_id=project_id)
    capability_learn(connection=connection, method=method, path=path, error=error)


def _audit(
    actor: Actor, connection: Connection, method: str, description: str, before: Any = None, after: Any = None
) -> None:
    audit_record_local(
        actor=actor,
        area="connections",
        object_id=str(connection.pk),
        method=method,
        description=description,
        before=before,
        after=after,
        connection=connection,
    )


@transaction.atomic
def connection_create(
    *,
    actor: Actor,
    name: str,
    host: str,
    api_key: str,
    organization_id: str = "@current",
    project_id: str = "",
    environment_id: str = "",
) -> Connection:
    connection = Connection(
        name=name,
        host=host.rstrip("/"),
        organization_id=organization_id or "@current",
        project_id=project_id,
        environment_id=environment_id,
        created_by=actor if isinstance(actor, User) else None,
        # The first connection is everyone's; a later one never becomes the default by being added.
        is_default=not Connection.objects.exists(),
    )
    connection.set_api_key(api_key)
    connection.save()
    _audit(actor, connection, "POST", f"created connection {name!r}", after=connection.audit_state())
    return connection


@transaction.atomic
def connection_make_default(*, actor: Actor, connection: Connection) -> Connection:
    """Make this the connection of everyone who has not picked one in the switcher."""
    before = Connection.objects.filter(is_default=True).first()
    # Cleared first: the constraint allows one default at a time, checked per statement.
    Connection.objects.filter(is_default=True).exclude(pk=connection.pk).update(is_default=False)
    Connection.objects.filter(pk=connection.pk).update(is_default=True)
    connection.is_default = True
    _audit(
        actor,
        connection,
        "PATCH",
        f"made connection {connection.name!r} the default",
        before={"name": connection.name, "default_connection": before.name if before else None},
        after={"name": connection.name, "default_connection": connection.name},
    )
    return connection


@transaction.atomic
def connection_update(*, actor: Actor, connection: Connection, data: dict[str, str]) -> Connection:
    before = Connection.objects.get(pk=connection.pk).audit_state()
    for name in ("name", "host", "organization_id", "project_id", "environment_id"):
        if name in data:
            setattr(connection, name, data[name].rstrip("/") if name == "host" else data[name])
    connection.save()
    if connection.host != before["host"]:
        capabilities_forget(connection=connection)
    _audit(
        actor,
        connection,
        "PATCH",
        f"edited connection {connection.name!r}",
        before=before,
        after=connection.audit_state(),
    )
    return connection


@transaction.atomic
def connection_replace_key(*, actor: Actor, connection: Connection, api_key: str) -> Connection:
    before = connection.audit_state()
    connection.set_api_key(api_key)
    connection.save()
    capabilities_forget(connection=connection)
    _audit(
        actor,
        connection,
        "PATCH",
        f"replaced the API key of {connection.name!r}",
        before=before,
        after=connection.audit_state(),
    )
    return connection


@transaction.atomic
def connection_delete(*, actor: Actor, connection: Connection) -> None:
    _audit(actor, connection, "DELETE", f"deleted connection {connection.name!r}", before=connection.audit_state())
    connection.delete()


@transaction.atomic
def watch_choices_save(
    *, actor: Actor, connection: Connection, choices: list[tuple["WatchedTarget", bool]], watch_new: bool
) -> Connection:
    """Store, for each listed project environment, whether the history pollers read it, and whether they read the
    ones PostHog reports later (see WatchedProject). Environments not listed keep their stored choice."""
    before = _watch_state(connection)
    WatchedProject.objects.bulk_create(
        [
            WatchedProject(
                connection=connection,
                project_id=target.project_id,
                environment_id=target.environment_id,
                name=target.name[:400],
                environment_name=target.environment_name[:400],
                watched=watched,
            )
            for target, watched in choices
        ],
        update_conflicts=True,
        unique_fields=["connection", "project_id", "environment_id"],
        update_fields=["name", "environment_name", "watched"],
    )
    # An update, not save(): choosing what history reads is no change of the connection's key or host, which
    # `updated_at` marks (pooled sessions and cached answers are keyed by it).
    Connection.objects.filter(pk=connection.pk).update(watch_new_projects=watch_new)
    connection.watch_new_projects = watch_new
    _audit(
        actor,
        connection,
        "PATCH",
        f"chose the projects history watches on {connection.name!r}",
        before=before,
        after=_watch_state(connection),
    )
    return connection


def _watch_state(connection: Connection) -> dict[str, Any]:
    """What the audit trail keeps of a connection's watch choices: names, so a reader sees what changed."""
    rows = list(WatchedProject.objects.filter(connection=connection))
    return {
        "watch_new_projects": connection.watch_new_projects,
        "watched": sorted(str(row) for row in rows if row.watched),
        "not_watched": sorted(str(row) for row in rows if not row.watched),
    }


def connection_ensure_default() -> Connection | None:
    """The connection described by POSTHOG_HOST / POSTHOG_PERSONAL_API_KEY, kept in step with them."""
    if not (settings.POSTHOG_HOST and settings.POSTHOG_PERSONAL_API_KEY):
        return None
    connection = Connection.objects.filter(from_environment=True).first() or Connection(from_environment=True)
    wanted = {
        "name": settings.POSTHOG_CONNECTION_NAME,
        "host": settings.POSTHOG_HOST.rstrip("/"),
        "organization_id": settings.POSTHOG_ORGANIZATION_ID or "@current",
        "project_id": settings.POSTHOG_PROJECT_ID,
        "environment_id": settings.POSTHOG_ENVIRONMENT_ID or settings.POSTHOG_PROJECT_ID,
    }
    if (
        connection.pk
        and connection.api_key == settings.POSTHOG_PERSONAL_API_KEY
        and all(getattr(connection, k) == v for k, v in wanted.items())
    ):
        return connection
    changed_key = connection.pk and (
        connection.api_key != settings.POSTHOG_PERSONAL_API_KEY or connection.host != wanted["host"]
    )
    for name, value in wanted.items():
        setattr(connection, name, value)
    if connection.pk is None:
        connection.is_default = not Connection.objects.exists()
    connection.set_api_key(settings.POSTHOG_PERSONAL_API_KEY)
    connection.save()
    if changed_key:
        capabilities_forget(connection=connection)
    return connection


def connection_test(*, connection: Connection) -> CheckResult:
    """Ask PostHog what this connection's key can reach and do on it (see apps.connections.probe), and remember it."""
    # A test answers fast: no retries, so a dead host reports within the connect timeout.
    client = client_for(connection=connection, max_retries=0, max_total_wait=0, project_id=connection.project_id)
    return connection_check(connection=connection, client=client)
