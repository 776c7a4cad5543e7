"""The projects a page of stored history can be filtered to, named without asking PostHog."""

from apps.connections.models import Connection
from apps.connections.selectors import watch_project_names
from apps.history.models import LogCursor

# Rows kept before projects were watched, by a connection that named no project, until the pollers learn its id.
CURRENT_PROJECT = "@current"


def history_projects(*, connection: Connection) -> dict[str, str]:
    """Project id → name, by name: the projects the portal knows for the connection (its watched ones, and the
    others PostHog listed) and those stored rows belong to (one query on the cursors, a row per config)."""
    names = watch_project_names(connection=connection)
    stored = LogCursor.objects.filter(connection=connection).order_by().values_list("project_id", flat=True).distinct()
    projects = {project_id: names.get(project_id) or _unnamed(project_id) for project_id in {*names, *stored}}
    return dict(sorted(projects.items(), key=lambda item: (item[1].casefold(), item[0])))


def _unnamed(project_id: str) -> str:
    return "The key's current project" if project_id == CURRENT_PROJECT else f"Project {project_id}"
