"""The project environments a poll covers, and the order it takes them in.

Every poller of a connection covers the connection's watched projects (`watched_projects_list`, which an Admin
chooses on the connection's watch page; every project the key can see by default), and pays for asking PostHog
which projects those are from the same budget as the rest of its requests. Projects are taken in turn: each run
starts with the project after the one the last run of its kind started with, and work is interleaved across
projects (`in_turn`), so a budget spent mid-run leaves every project the same share unread and one big project
cannot starve the others.
"""

from collections.abc import Iterator
from itertools import zip_longest

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef

from apps.connections.models import Connection
from apps.connections.selectors import WatchedTarget, watched_projects_list
from apps.history.models import DeliveryDay, DeliverySnapshot, LogCursor, PluginLogEntry
from apps.history.polling import budgeted_get
from apps.history.results import PollResult
from apps.history.selectors.projects import CURRENT_PROJECT as CURRENT
from apps.posthog.client import PostHogClient, api_path
from apps.posthog.errors import NotFound, PermissionDenied, PostHogError

ROTATION_TIMEOUT = 24 * 3600
# Answers about one project alone (deleted since it was listed, or not the key's to read): the poll says so and goes
# on with the other projects. Anything else (PostHog failing, throttling, garbled) raises as it always did.
PROJECT_REFUSALS = (NotFound, PermissionDenied)


def poll_targets(*, client: PostHogClient, connection: Connection, result: PollResult) -> list[WatchedTarget]:
    """The watched project environments, with PostHog's list of the key's projects paid from the budget; a list
    PostHog refused is said in the result's notes (the connection's own project is then watched)."""
    problems: list[str] = []
    targets = watched_projects_list(
        connection=connection,
        get=lambda path, params: budgeted_get(
            client=client, connection=connection, path=path, params=params, result=result
        ),
        problems=problems,
    )
    result.notes += problems
    _current_rows_adopt(client=client, connection=connection, targets=targets, result=result)
    return targets


def plugin_targets(targets: list[WatchedTarget]) -> list[WatchedTarget]:
    """The targets whose plugin configs are read: each project's own environment, which PostHog serves under
    `/api/projects/<id>/` (another environment's are only under `/api/environments/`, which the portal's plugin
    pages do not use either)."""
    return [target for target in targets if target.primary]


def targets_rotated(targets: list[WatchedTarget], *, connection: Connection, kind: str) -> list[WatchedTarget]:
    """The targets starting with the one after where the last run of this kind started."""
    if len(targets) < 2:
        return targets
    key = f"poll-rotation:{kind}:{connection.pk}"
    cache.add(key, -1, timeout=ROTATION_TIMEOUT)
    start = cache.incr(key) % len(targets)
    return targets[start:] + targets[:start]


def in_turn[T](queues: list[list[T]]) -> Iterator[T]:
    """The first item of each queue, then the second of each, and so on (round robin)."""
    for round_ in zip_longest(*queues):
        yield from (item for item in round_ if item is not None)


def _current_rows_adopt(
    *, client: PostHogClient, connection: Connection, targets: list[WatchedTarget], result: PollResult
) -> None:
    """Rows kept before projects were watched, under "@current" (the key's current project, for a connection that
    named none), are moved to that project's id once the pollers read projects by id, so a page filtered by project
    finds them. One request, once; a failure leaves them for the next poll."""
    if any(target.project_id == CURRENT for target in targets):
        return
    if not (
        LogCursor.objects.filter(connection=connection, project_id=CURRENT).exists()
        or DeliverySnapshot.objects.filter(connection=connection, project_id=CURRENT).exists()
    ):
        return
    try:
        project = budgeted_get(
            client=client, connection=connection, path=api_path("projects", CURRENT), params=None, result=result
        )
    except PostHogError:
        return
    if not isinstance(project, dict) or project.get("id") in (None, ""):
        return
    project_id = str(project["id"])[:40]
    with transaction.atomic():
        old_cursors = LogCursor.objects.filter(connection=connection, project_id=CURRENT)
        # A config already read under its project's id (the connection named the project once) keeps that cursor.
        old_cursors.filter(
            plugin_config_id__in=LogCursor.objects.filter(connection=connection, project_id=project_id).values(
                "plugin_config_id"
            )
        ).delete()
        old_cursors.update(project_id=project_id)
        PluginLogEntry.objects.filter(connection=connection, project_id=CURRENT).update(project_id=project_id)
        old_snapshots = DeliverySnapshot.objects.filter(connection=connection, project_id=CURRENT)
        same_moment = DeliverySnapshot.objects.filter(
            connection=connection,
            project_id=project_id,
            plugin_config_id=OuterRef("plugin_config_id"),
            resolution=OuterRef("resolution"),
            taken_at=OuterRef("taken_at"),
        )
        old_snapshots.filter(Exists(same_moment)).delete()
        old_snapshots.update(project_id=project_id)
        old_days = DeliveryDay.objects.filter(connection=connection, project_id=CURRENT)
        same_day = DeliveryDay.objects.filter(
            connection=connection,
            project_id=project_id,
            plugin_config_id=OuterRef("plugin_config_id"),
            day=OuterRef("day"),
        )
        old_days.filter(Exists(same_day)).delete()
        old_days.update(project_id=project_id)
