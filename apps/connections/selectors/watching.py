"""Which project environments of a connection the history pollers read: the Admin's choices (WatchedProject)
over the projects PostHog reports for the key, and the watch page's rows.

`watched_projects_list` is the one answer every poller asks (plugin logs, delivery rates and activity today; hog
functions and batch exports next).
"""

import time
from dataclasses import dataclass

from django.core.cache import cache

from apps.connections.cached import key_fingerprint
from apps.connections.capabilities import Unavailable
from apps.connections.models import Connection, WatchedProject
from apps.connections.selectors.scope import Get, Unpaid, environments_of, pages_read
from apps.connections.services import client_for
from apps.posthog.client import api_path
from apps.posthog.errors import NotFound, PermissionDenied, PostHogError

# How long the pollers go on one list of the key's projects before asking PostHog again (so a new project is
# watched within this), and how long a list is kept to serve while PostHog cannot be asked.
PROJECTS_SEEN_TTL = 600
PROJECTS_SEEN_KEPT = 7 * 24 * 3600
MAX_PROJECTS = 500


@dataclass(frozen=True)
class WatchedTarget:
    """A project environment the history pollers read. `environment_id == project_id` is the project's own
    (primary) environment: what PostHog serves under `/api/projects/<id>/` (plugin configs live there)."""

    project_id: str
    environment_id: str
    name: str  # the project's
    environment_name: str = ""  # only where the project has several environments

    @property
    def primary(self) -> bool:
        return self.environment_id == self.project_id

    @property
    def key(self) -> str:
        """The target in a form field or a cache key."""
        return f"{self.project_id}:{self.environment_id}"

    @property
    def label(self) -> str:
        return f"{self.name} · {self.environment_name}" if self.environment_name else self.name


@dataclass(frozen=True)
class ProjectsSeen:
    """The project environments PostHog reported for the key (None: it refused to list them, `error` says why),
    and whether it still lists a project's environments (today's PostHog has one per project)."""

    targets: list[WatchedTarget] | None
    environments_listed: bool
    error: str = ""


def watched_projects_list(
    *, connection: Connection, get: Get | None = None, problems: list[str] | None = None
) -> list[WatchedTarget]:
    """The project environments of the connection that the history pollers read, by project and environment.

    An Admin's choice (a WatchedProject row) decides for the environment it names; every other one is watched
    while `watch_new_projects` is on (by default: a connection nobody chose for watches every project its key can
    see). Then PostHog's list of the key's projects is needed: it is asked at most every PROJECTS_SEEN_TTL through
    `get` (a poller passes one that pays from its budget; by default a client of the connection), and the last
    list serves while the caller may not ask (`get` answered None). PostHog refusing the list (a key without
    `project:read`, say) leaves the connection's own project watched, as it was before watching could be chosen,
    and `problems` gets the words for it; PostHog failing raises its error, as any read of the caller would.
    """
    choices = {
        (row.project_id, row.environment_id): row for row in WatchedProject.objects.filter(connection=connection)
    }
    if not connection.watch_new_projects:
        return [_row_target(row) for row in choices.values() if row.watched]
    seen = _projects_seen_kept(connection, fresh_only=True)
    if seen is None:
        try:
            seen = projects_seen_read(connection=connection, get=get or _client_get(connection))
        except Unpaid:
            seen = _projects_seen_kept(connection, fresh_only=False)  # the caller said why (its budget is spent)
    if seen is not None and seen.error and problems is not None:
        problems.append(seen.error)
    if seen is None or seen.targets is None:
        own = connection.project_id or "@current"
        ticked = [_row_target(row) for row in choices.values() if row.watched and row.project_id != own]
        return [WatchedTarget(own, own, "The connection's project"), *ticked]
    return [t for t in seen.targets if (row := choices.get((t.project_id, t.environment_id))) is None or row.watched]


def projects_seen_read(*, connection: Connection, get: Get) -> ProjectsSeen:
    """Ask PostHog which projects (and, where it lists them, environments) the key can see, and keep the answer
    for the pollers. A refusal (a key without `project:read`, say) is kept too, so it is not asked every poll.
    Raises `Unpaid` when `get` declines a request, and PostHog's error when it cannot answer at all."""
    path = api_path("organizations", connection.organization_id or "@current", "projects")
    try:
        seen = _targets_of(pages_read(get=get, path=path, max_items=MAX_PROJECTS), get=get, connection=connection)
    except (PermissionDenied, NotFound) as error:
        seen = ProjectsSeen(
            targets=None,
            environments_listed=False,
            error="Only the connection's own project is watched: PostHog does not let this key list its projects. "
            + error.user_message,
        )
    _projects_seen_keep(connection, seen)
    return seen


def watch_project_names(*, connection: Connection) -> dict[str, str]:
    """Project ids the portal knows for this connection, with their names, without asking PostHog: the Admin's
    choices and the last list PostHog gave. For the pages of stored history."""
    names = {row.project_id: row.name for row in WatchedProject.objects.filter(connection=connection)}
    seen = _projects_seen_kept(connection, fresh_only=False)
    names |= {target.project_id: target.name for target in (seen.targets if seen and seen.targets else [])}
    return {project_id: name or f"Project {project_id}" for project_id, name in names.items()}


def watch_choice_counts(*, connection: Connection) -> tuple[int, int]:
    """(watched, all) of the project environments an Admin chose for; (0, 0) before anyone chose."""
    rows = WatchedProject.objects.filter(connection=connection)
    return rows.filter(watched=True).count(), rows.count()


@dataclass(frozen=True)
class WatchRow:
    """One project environment on the watch page."""

    target: WatchedTarget
    watched: bool
    chosen: bool  # an Admin decided for it; else it follows "watch new projects"
    listed: bool  # PostHog reports it for the key now


@dataclass(frozen=True)
class WatchChoices:
    """What the watch page shows: PostHog's project environments for the key with what is watched, and the
    stored choices for any PostHog no longer lists. `problem`: why PostHog's list is missing, in words (then only
    stored choices show)."""

    rows: list[WatchRow]
    watch_new: bool
    environments_listed: bool
    problem: str = ""


def watch_choices(*, connection: Connection) -> WatchChoices:
    """The watch page's rows, read from PostHog now (which refreshes the pollers' list too)."""
    choices = {
        (row.project_id, row.environment_id): row for row in WatchedProject.objects.filter(connection=connection)
    }
    try:
        seen = projects_seen_read(connection=connection, get=_client_get(connection))
    except PostHogError as error:
        problem = f"PostHog could not list the projects this key can see: {error.user_message}"
        seen = ProjectsSeen(targets=[], environments_listed=False, error=problem)
    rows = [
        WatchRow(
            target=target,
            watched=choice.watched
            if (choice := choices.pop((target.project_id, target.environment_id), None))
            else connection.watch_new_projects,
            chosen=choice is not None,
            listed=True,
        )
        for target in seen.targets or []
    ]
    rows += [WatchRow(_row_target(row), row.watched, chosen=True, listed=False) for row in choices.values()]
    return WatchChoices(
        rows=rows,
        watch_new=connection.watch_new_projects,
        environments_listed=seen.environments_listed,
        problem=seen.error,
    )


def _targets_of(projects: list[dict], *, get: Get, connection: Connection) -> ProjectsSeen:
    unavailable = Unavailable(connection=connection)
    targets: list[WatchedTarget] = []
    listed = True
    for project in projects:
        project_id, name = str(project["id"]), str(project.get("name") or f"Project {project['id']}")
        environments = (
            environments_of(get=get, connection=connection, project_id=project_id, unavailable=unavailable)
            if listed
            else None
        )
        if environments is None:
            # Today's PostHog: a project is its own one environment (learned once, then not asked again).
            listed = False
            targets.append(WatchedTarget(project_id, project_id, name))
            continue
        several = len(environments) > 1
        targets += [
            WatchedTarget(project_id, environment_id, name, environment if several else "")
            for environment_id, environment in environments or [(project_id, name)]
        ]
    return ProjectsSeen(targets=targets, environments_listed=listed)


def _row_target(row: WatchedProject) -> WatchedTarget:
    return WatchedTarget(
        row.project_id, row.environment_id, row.name or f"Project {row.project_id}", row.environment_name
    )


def _client_get(connection: Connection) -> Get:
    client = client_for(connection=connection, actor=None)
    return lambda path, params: client.get(path, params=params)


def _seen_key(connection: Connection) -> str:
    # Another key or host may see other projects: its list is another one (the fingerprint names both; the key's
    # last four characters, which two keys can share, did not).
    return f"watch-projects:{connection.pk}:{key_fingerprint(connection)}"


def _projects_seen_keep(connection: Connection, seen: ProjectsSeen) -> None:
    targets = (
        [[t.project_id, t.environment_id, t.name, t.environment_name] for t in seen.targets]
        if seen.targets is not None
        else None
    )
    kept = {"at": time.time(), "targets": targets, "environments_listed": seen.environments_listed, "error": seen.error}
    cache.set(_seen_key(connection), kept, PROJECTS_SEEN_KEPT)


def _projects_seen_kept(connection: Connection, *, fresh_only: bool) -> ProjectsSeen | None:
    kept = cache.get(_seen_key(connection))
    if not isinstance(kept, dict) or (fresh_only and time.time() - kept.get("at", 0) > PROJECTS_SEEN_TTL):
        return None
    targets = kept.get("targets")
    return ProjectsSeen(
        targets=[WatchedTarget(*target) for target in targets] if targets is not None else None,
        environments_listed=bool(kept.get("environments_listed")),
        error=str(kept.get("error") or ""),
    )
