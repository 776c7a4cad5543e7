"""What the pages work on: the connection, project and environment picked in the switcher."""

from dataclasses import dataclass
from functools import cached_property

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
    )


def _selected_connection(request: HttpRequest) -> Connection | None:
    selected = request.session.get(SESSION_CONNECTION)
    if selected and (connection := Connection.objects.filter(pk=selected).first()):
        return connection
    return Connection.objects.first() or connection_ensure_default()


def context_select(
    request: HttpRequest, *, connection: Connection, project_id: str = "", environment_id: str = ""
) -> None:
    request.session[SESSION_CONNECTION] = connection.pk
    request.session[SESSION_PROJECT] = project_id
    request.session[SESSION_ENVIRONMENT] = environment_id
