"""Reads of the portal's connections and of what PostHog offers through them: the switcher's projects and
environments, the current project, and PostHog lists read through any `get` (a person's client or a poller's
budget)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from apps.connections.cached import PROJECTS, cached_read
from apps.connections.capabilities import Unavailable, capability_record
from apps.connections.context import PostHogContext
from apps.connections.models import Capability, Connection
from apps.core.parallel import together
from apps.posthog.client import api_path
from apps.posthog.errors import BadResponse, PermissionDenied, PostHogError

# PostHog's 403 on a project's environments list where a project has only its own environment now
# (posthog/api/project.py ProjectEnvironmentsViewSet: "Multiple environments per project are no longer available").
ENVIRONMENTS_RETIRED = "no longer available"

type Get = Callable[[str, dict | None], Any | None]
"""One GET of a path (or a `next` URL) with query parameters: PostHog's answer, or None when the caller may not
spend a request now (a poller whose budget is spent)."""


@dataclass(frozen=True)
class ScopeOptions:
    projects: list[tuple[str, str]]
    environments: list[tuple[str, str]]
    error: PostHogError | None = None


def connection_list() -> list[Connection]:
    return list(Connection.objects.all())


def scope_options(*, context: PostHogContext) -> ScopeOptions:
    """Projects of the connection's organization and environments of the current project, cached briefly; only
    what is configured when there is no connection."""
    connection = context.connection
    if connection is None:
        return ScopeOptions(projects=[], environments=[])
    # Both lists at once: the environments need only the current project's id, which the context holds.
    reads = together(
        projects=lambda: project_list(context=context),
        environments=lambda: cached_read(
            context=context, name=PROJECTS, read=lambda: _environments(context, connection), parts=("environments",)
        ),
    )
    try:
        projects = reads.value("projects")
        named = dict(projects)
        environments = [(id_, name or named.get(id_, id_)) for id_, name in reads.value("environments")]
    except PostHogError as error:
        # Keep the page working on what is configured; say why the lists are missing.
        return ScopeOptions(
            projects=[(context.project_id, context.project_id)],
            environments=[(context.environment_id, context.environment_id)],
            error=error,
        )
    return ScopeOptions(projects=projects, environments=environments)


def project_list(*, context: PostHogContext) -> list[tuple[str, str]]:
    """The organization's projects the key can see, as (id, name), cached briefly."""
    path = api_path("organizations", context.organization_id, "projects")

    def read() -> list[tuple[str, str]]:
        return [(str(p["id"]), p.get("name") or str(p["id"])) for p in context.client.paginate(path, max_items=200)]

    return cached_read(context=context, name=PROJECTS, read=read, parts=("list",))


def _environments(context: PostHogContext, connection: Connection) -> list[tuple[str, str]]:
    """The project's environments; newer PostHog has one per project and refuses the list, which is then the
    project's own ("" for its name when it has none: the project's name is used, from the projects list)."""
    listed = environments_of(
        get=lambda path, params: context.client.get(path, params=params),
        connection=connection,
        project_id=context.project_id,
        unavailable=context.unavailable,
    )
    if listed is not None:
        return listed
    environment = context.client.get(api_path("environments", context.project_id))
    name = environment.get("name") if isinstance(environment, dict) else None
    return [(str(context.project_id), str(name or ""))]


def environments_of(
    *, get: Get, connection: Connection, project_id: str, unavailable: Unavailable | None = None
) -> list[tuple[str, str]] | None:
    """A project's environments as (id, name); None where this PostHog no longer lists them, which is learned from
    its 403 and remembered, so it is asked once per connection. Raises `Unpaid` when `get` declines a request."""
    unavailable = unavailable or Unavailable(connection=connection)
    if unavailable.project_environments is not None:
        return None
    try:
        return [
            (str(e["id"]), e.get("name") or str(e["id"]))
            for e in pages_read(get=get, path=api_path("projects", project_id, "environments"), max_items=50)
        ]
    except PermissionDenied as error:
        if ENVIRONMENTS_RETIRED not in error.detail:
            raise
        capability_record(
            connection=connection,
            action="project_environments",
            state=Capability.RETIRED,
            detail=error.detail,
            source=Capability.REQUEST,
        )
        return None


class Unpaid(Exception):
    """The caller's `get` declined a request (a poller's budget is spent): the read was not finished."""


def pages_read(*, get: Get, path: str, max_items: int) -> list[dict]:
    """The items of a PostHog list ({results, next} or a bare list), following `next` up to `max_items`."""
    items: list[dict] = []
    next_path: str | None = path
    while next_path and len(items) < max_items:
        page = get(next_path, None)  # PostHog's own page size; `next` carries the query
        if page is None:
            raise Unpaid(next_path)
        results, next_path = list_page(page, "items")
        items += [item for item in results if isinstance(item, dict) and "id" in item]
    return items[:max_items]


def list_page(page: Any, what: str) -> tuple[list, str | None]:
    """The items of a page of a PostHog list (or a bare list) and the URL of the next page, if any."""
    if isinstance(page, list):
        return page, None
    if isinstance(page, dict) and isinstance(page.get("results"), list):
        next_url = page.get("next")
        return page["results"], next_url if isinstance(next_url, str) and next_url else None
    raise BadResponse(f"Expected a list of {what} from PostHog.")


def project_get(*, context: PostHogContext) -> dict[str, Any]:
    """The current project as PostHog describes it."""
    return context.client.get(api_path("projects", context.project_id))
