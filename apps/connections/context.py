"""What the pages work on: the connection, project and environment picked in the switcher."""

from dataclasses import dataclass
from functools import cached_property

from apps.connections.models import Connection
from apps.connections.services import client_for, connection_ensure_default
from apps.posthog.client import PostHogClient

SESSION_CONNECTION = "posthog_connection_id"
SESSION_PROJECT = "posthog_project_id"
SESSION_ENVIRONMENT = "posthog_environment_id"


@dataclass
class PostHogContext:
    connection: Connection | None
    project_id: str
    environment_id: str
    actor: object

    @property
    def configured(self) -> bool:
        return self.connection is not None

    @property
    def organization_id(self) -> str:
        return self.connection.organization_id if self.connection else ""

    @cached_property
    def client(self) -> PostHogClient:
        if self.connection is None:
            raise LookupError("No PostHog connection is configured.")
        return client_for(connection=self.connection, actor=self.actor)


def context_for_request(request) -> PostHogContext:
    connection = _selected_connection(request)
    if connection is None:
        return PostHogContext(connection=None, project_id="", environment_id="", actor=request.user)
    project_id = request.session.get(SESSION_PROJECT) or connection.project_id or "@current"
    environment_id = request.session.get(SESSION_ENVIRONMENT) or connection.environment_id or project_id
    return PostHogContext(
        connection=connection, project_id=str(project_id), environment_id=str(environment_id), actor=request.user
    )


def _selected_connection(request) -> Connection | None:
    selected = request.session.get(SESSION_CONNECTION)
    if selected and (connection := Connection.objects.filter(pk=selected).first()):
        return connection
    return Connection.objects.first() or connection_ensure_default()


def context_select(request, *, connection: Connection, project_id: str = "", environment_id: str = "") -> None:
    request.session[SESSION_CONNECTION] = connection.pk
    request.session[SESSION_PROJECT] = project_id
    request.session[SESSION_ENVIRONMENT] = environment_id
