"""What the pages work on: the connection, project and environment picked in the switcher."""

from dataclasses import dataclass
from functools import cached_property

from django.contrib import messages
from django.http import HttpRequest

from apps.connections.capabilities import Unavailable
from apps.connections.models import Connection
from apps.connections.services import client_for, connection_ensure_default
from apps.posthog.client import PostHogClient, api_path

SESSION_CONNECTION = "posthog_connection_id"
SESSION_PROJECT = "posthog_project_id"
SESSION_ENVIRONMENT = "posthog_environment_id"


@dataclass
class PostHogContext:
    connection: Connection | None
    project_id: str
    environment_id: str
    actor: object
    # True when the switcher or the connection names an environment, rather than the project's own.
    environment_picked: bool = False
    # True when the person picked the connection in the switcher, rather than working on the default.
    connection_picked: bool = False

    @property
    def configured(self) -> bool:
        return self.connection is not None

    @property
    def organization_id(self) -> str:
        return self.connection.organization_id if self.connection else ""

    def team_path(self, *rest: str | int) -> str:
        """A path for data PostHog keeps per environment (groups, sharing) and serves under both prefixes:
        under `/api/environments/` when an environment is picked, else under the project, which PostHog
        resolves to the project's primary environment."""
        if self.environment_picked:
            return self.environment_path(*rest)
        return api_path("projects", self.project_id, *rest)

    def environment_path(self, *rest: str | int) -> str:
        """A path PostHog serves only under `/api/environments/` (recording sharing, secret API keys)."""
        return api_path("environments", self.environment_id, *rest)

    @cached_property
    def client(self) -> PostHogClient:
        if self.connection is None:
            raise LookupError("No PostHog connection is configured.")
        return client_for(connection=self.connection, actor=self.actor, project_id=self.project_id)

    @cached_property
    def unavailable(self) -> Unavailable:
        """`unavailable.<action>`: why PostHog refuses or lacks that action on this connection, or None."""
        return Unavailable(connection=self.connection, project_id=self.project_id)


def context_for_request(request: HttpRequest) -> PostHogContext:
    connection = _selected_connection(request)
    if connection is None:
        return PostHogContext(connection=None, project_id="", environment_id="", actor=request.user)
    project_id = request.session.get(SESSION_PROJECT) or connection.project_id or "@current"
    picked = request.session.get(SESSION_ENVIRONMENT) or connection.environment_id
    return PostHogContext(
        connection=connection,
        project_id=str(project_id),
        environment_id=str(picked or project_id),
        actor=request.user,
        environment_picked=bool(picked) and str(picked) != str(project_id),
        connection_picked=request.session.get(SESSION_CONNECTION) == connection.pk,
    )


def _selected_connection(request: HttpRequest) -> Connection | None:
    """The person's pick, kept in their session; without one, the default. A pick whose connection was deleted
    falls back to the default, and the person is told, so their writes never move elsewhere unannounced."""
    selected = request.session.get(SESSION_CONNECTION)
    if selected and (connection := Connection.objects.filter(pk=selected).first()):
        return connection
    fallback = connection_default() or connection_ensure_default()
    if selected:
        for key in (SESSION_CONNECTION, SESSION_PROJECT, SESSION_ENVIRONMENT):
            request.session.pop(key, None)
        if fallback is not None:
            messages.warning(
                request,
                f"The connection you were working on was deleted. Now working on {fallback.name}, the default.",
                fail_silently=True,
            )
    return fallback


def connection_default() -> Connection | None:
    """The connection of everyone who has not picked one: the one an Admin made default, else the oldest. Never
    chosen by name, so adding a connection moves nobody."""
    return Connection.objects.filter(is_default=True).first() or Connection.objects.order_by("pk").first()


def context_select(
    request: HttpRequest, *, connection: Connection, project_id: str = "", environment_id: str = ""
) -> None:
    request.session[SESSION_CONNECTION] = connection.pk
    request.session[SESSION_PROJECT] = project_id
    request.session[SESSION_ENVIRONMENT] = environment_id
