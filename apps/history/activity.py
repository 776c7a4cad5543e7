"""Activity snapshots: PostHog's activity entries of plugins, plugin configs and groups, kept past its retention.

Each source is a newest-first list read page by page (page/limit) until a page holds nothing new, so a routine
poll costs one request per source. A read cut short (budget spent, PostHog failing) leaves older entries unread
below the last page read; where that backlog starts is kept in the cache and read on later polls, so a later
poll stopping at the first page of known entries skips nothing.

Groups have one activity list each, and an organization may have thousands: each poll reads the next
GROUPS_PER_POLL of them, shared out between the watched project environments (apps/history/targets.py: a different
one first each run), walking each one's group types and their cursor pages round and round from where its last
poll stopped (also kept in the cache), so every group of every watched project is visited over time at a fixed
cost per poll. Group entries keep the project they came from; plugin activity is the organization's (no project).
"""

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core.cache import cache
from django.utils import timezone

from apps.audit.naming import group_object_id
from apps.connections.capabilities import Unavailable
from apps.connections.models import Connection
from apps.connections.selectors import WatchedTarget
from apps.history.linking import activity_snapshots_link
from apps.history.models import ActivitySnapshot
from apps.history.polling import budgeted_get, poll_client
from apps.history.results import PollResult
from apps.history.targets import poll_targets, targets_rotated
from apps.posthog.client import PostHogClient, api_path
from apps.posthog.errors import (
    BadResponse,
    EndpointNotFound,
    NotFound,
    PermissionDenied,
    PersonalKeyRefused,
    PostHogError,
)
from apps.posthog.paths import plugins_path
from apps.posthog.values import moment

PAGE_SIZE = 100
# Group activity lists read per poll: 20 every 10 minutes visits 1,000 groups in about eight hours.
GROUPS_PER_POLL = 20
# Kept well past any pause of the pollers; a lost backlog only means older entries are not fetched.
STATE_TIMEOUT = 30 * 24 * 3600
SYSTEM_USER = "PostHog"


@dataclass(frozen=True)
class ActivitySource:
    key: str  # names the source's backlog in the cache
    path: str
    params: dict
    scope: str  # for entries that do not name their own
    object_id: str = ""  # the audit trail's name of the object, where PostHog's item id is not it (a group)
    project_id: str = ""  # the project the entries are of; none for the organization's plugins


@dataclass
class Backlog:
    """Where unread entries start below entries already read: indexes from the newest entry, counted when the
    list held `total` entries."""

    total: int | None = None
    starts: list[int] = field(default_factory=list)

    def list_grew_to(self, total: Any) -> None:
        """New entries arrive on top: every unread start moves down as many places."""
        if not isinstance(total, int) or isinstance(total, bool):
            return
        if self.total is not None:
            self.starts = [start + total - self.total for start in self.starts]
        self.total = total

    def cut_at(self, index: int) -> None:
        """A read stopped before `index`; the top of the list (index 0) is read on every poll anyway."""
        if index > 0:
            self.starts = sorted({*self.starts, index})


@dataclass(frozen=True)
class _Poll:
    """What every request and store of one connection's poll shares."""

    client: PostHogClient
    connection: Connection
    result: PollResult
    now: datetime  # stands in for entries whose `created_at` PostHog left out or garbled

    def get(self, path: str, params: dict | None) -> Any | None:
        """One GET paid from the pollers' budget; None when the budget is spent."""
        return budgeted_get(
            client=self.client, connection=self.connection, path=path, params=params, result=self.result
        )


def activity_snapshot_poll(*, connection: Connection, now: datetime | None = None) -> PollResult:
    """Store new activity entries of the organization's plugins and configs, and of the watched projects' next
    groups in turn.

    `now` stands in for entries whose `created_at` PostHog left out or garbled.
    """
    poll = _Poll(poll_client(connection=connection), connection, PollResult(), now or timezone.now())
    targets = poll_targets(client=poll.client, connection=connection, result=poll.result)
    plugins = ActivitySource(
        key="plugins",
        path=plugins_path(connection.organization_id or "@current", "activity"),
        params={},
        scope="Plugin",
    )
    if _plugins_poll(poll, plugins):
        _groups_poll_watched(poll, targets_rotated(targets, connection=connection, kind="activity"))
    return poll.result


def _groups_poll_watched(poll: _Poll, targets: list[WatchedTarget]) -> None:
    """GROUPS_PER_POLL group lists shared out between the targets, the first ones getting any remainder."""
    for index, target in enumerate(targets):
        quota = GROUPS_PER_POLL // len(targets) + (1 if index < GROUPS_PER_POLL % len(targets) else 0)
        if quota == 0:
            return  # more targets than groups a poll reads: the rest come first in later polls
        try:
            if not _groups_poll(poll, target, quota):
                return  # the budget is spent
        except PermissionDenied as error:
            # A key without the group scopes: plugin activity is still kept; the run says what is missing.
            poll.result.errors.append(f"Groups activity: {error.user_message}")
            return
        except NotFound as error:  # a project deleted since it was listed; the others go on
            poll.result.errors.append(f"Groups activity of {target.label}: {error.user_message}")


def _plugins_poll(poll: _Poll, source: ActivitySource) -> bool:
    """The organization's plugin activity, where PostHog gives it: current versions refuse it to every personal API
    key (its action declares no scope). That is said once per run, not counted a failure, and groups go on."""
    if refusal := Unavailable(connection=poll.connection).plugin_activity:
        poll.result.notes.append(f"Plugin activity is not kept: {refusal.reason}")
        return True
    try:
        return _source_poll(poll, source)
    except (PersonalKeyRefused, EndpointNotFound) as error:
        poll.result.notes.append(f"Plugin activity is not kept: {error.user_message}")
        return True


# One list ------------------------------------------------------------------------------------------------


def _source_poll(poll: _Poll, source: ActivitySource) -> bool:
    """Read a list from the top down to known entries, then its backlog; False when the budget ran out."""
    key = f"activity-backlog:{poll.connection.pk}:{source.key}"
    backlog = Backlog(**cache.get(key, {}))
    position, resumed, first_page = 0, False, True
    try:
        while True:
            page_number = position // PAGE_SIZE + 1
            params = {**source.params, "page": page_number, "limit": PAGE_SIZE}
            answer = poll.get(source.path, params)
            if answer is None:
                backlog.cut_at(position)
                return False
            entries, more, total = _activity_page(answer)
            backlog.list_grew_to(total)
            new = _entries_store(poll, source=source, entries=entries)
            poll.result.items_stored += new
            # A backlog read may start on a page read before the cut (the list moved meanwhile): look further.
            if more and (new or (resumed and first_page)):
                position, first_page = page_number * PAGE_SIZE, False
                continue
            # Read down to known entries, or to the end: a backlog starting above this page has been read through.
            last_page_start = (page_number - 1) * PAGE_SIZE
            backlog.starts = [start for start in backlog.starts if more and start >= last_page_start]
            if not backlog.starts:
                return True
            position, resumed, first_page = backlog.starts.pop(0), True, True
    except PostHogError:
        backlog.cut_at(position)
        raise
    finally:
        if backlog.starts:
            cache.set(key, asdict(backlog), timeout=STATE_TIMEOUT)
        else:
            cache.delete(key)


def _activity_page(answer: Any) -> tuple[list, bool, Any]:
    if isinstance(answer, dict) and isinstance(answer.get("results"), list):
        return answer["results"], bool(answer.get("next")), answer.get("total_count")
    raise BadResponse("Expected a page of activity from PostHog.")


def _entries_store(poll: _Poll, *, source: ActivitySource, entries: list) -> int:
    """Store the entries not stored yet, linked to the portal writes that caused them; how many were new."""
    connection = poll.connection
    snapshots = {}
    for entry in entries:
        if isinstance(entry, dict) and entry.get("id") not in (None, ""):
            snapshot = _snapshot(
                connection=connection, entry=entry, scope=source.scope, now=poll.now, project_id=source.project_id
            )
            snapshots[(snapshot.scope, snapshot.activity_id)] = snapshot
    known = set(
        ActivitySnapshot.objects.filter(
            connection=connection, activity_id__in={activity_id for _, activity_id in snapshots}
        ).values_list("scope", "activity_id")
    )
    new = [snapshot for identity, snapshot in snapshots.items() if identity not in known]
    # A second worker racing this one may still insert first: the unique key keeps one row.
    ActivitySnapshot.objects.bulk_create(new, ignore_conflicts=True)
    activity_snapshots_link(connection=connection, snapshots=new, object_id=source.object_id)
    return len(new)


def _snapshot(
    *, connection: Connection, entry: dict, scope: str, now: datetime, project_id: str = ""
) -> ActivitySnapshot:
    user = entry.get("user")
    # PostHog's own changes name no user (or say `is_system`).
    person = user if isinstance(user, dict) and not entry.get("is_system") else None
    name = " ".join(str(person.get(part) or "") for part in ("first_name", "last_name")).strip() if person else ""
    return ActivitySnapshot(
        connection=connection,
        project_id=project_id[:64],
        scope=str(entry.get("scope") or scope)[:40],
        activity_id=str(entry["id"])[:64],
        item_id=str(entry.get("item_id") or "")[:200],
        activity=str(entry.get("activity") or "")[:80],
        created_at=moment(entry.get("created_at")) or now,
        user_name=SYSTEM_USER if person is None else name[:200],
        user_email="" if person is None else str(person.get("email") or "")[:254],
        entry=entry,
    )


# Groups ----------------------------------------------------------------------------------------------------


@dataclass
class GroupsPosition:
    """The next group to visit: its type, the cursor of its page of the type's groups, its place on the page."""

    type_index: int | None = None
    cursor: str | None = None
    offset: int = 0


def _groups_poll(poll: _Poll, target: WatchedTarget, quota: int) -> bool:
    """Visit the target's next `quota` groups; False when the budget ran out."""
    # Group types are the project's; groups live in an environment, under the project's path for its own one.
    types_path = api_path("projects", target.project_id, "groups_types")
    base = ("projects", target.project_id) if target.primary else ("environments", target.environment_id)
    types = poll.get(types_path, None)
    if types is None:
        return False
    indexes = sorted(
        {t["group_type_index"] for t in types if isinstance(t, dict) and _is_index(t.get("group_type_index"))}
    )
    if not indexes:
        return True
    key = f"activity-groups:{poll.connection.pk}:{target.environment_id}"
    position = GroupsPosition(**cache.get(key, {}))
    if position.type_index not in indexes:
        position = GroupsPosition(type_index=_following(indexes, position.type_index))
    first_type, visited = position.type_index, 0
    try:
        while visited < quota:
            params: dict[str, Any] = {"group_type_index": position.type_index}
            if position.cursor:
                params["cursor"] = position.cursor
            page = poll.get(api_path(*base, "groups"), params)
            if page is None:
                return False
            groups = [g for g in _results(page) if isinstance(g, dict) and g.get("group_key") not in (None, "")]
            for group in groups[position.offset : position.offset + quota - visited]:
                try:
                    finished = _group_poll(poll, target, base, group)
                except PostHogError:
                    position.offset += 1  # one failing group must not hold up the others on the next poll
                    raise
                if not finished:
                    return False
                position.offset += 1
                visited += 1
            if position.offset < len(groups):
                return True
            next_cursor = _cursor(page.get("next") if isinstance(page, dict) else None)
            if next_cursor:
                position = GroupsPosition(type_index=position.type_index, cursor=next_cursor)
                continue
            position = GroupsPosition(type_index=_following(indexes, position.type_index))
            if position.type_index == first_type:
                return True  # every type read once this poll: no group twice
        return True
    finally:
        cache.set(key, asdict(position), timeout=STATE_TIMEOUT)


def _group_poll(poll: _Poll, target: WatchedTarget, base: tuple[str, str], group: dict) -> bool:
    group_type_index, group_key = group["group_type_index"], str(group["group_key"])
    identity = f"{target.environment_id}:{group_type_index}:{group_key}"
    source = ActivitySource(
        key="group:" + hashlib.sha1(identity.encode()).hexdigest(),
        path=api_path(*base, "groups", "activity"),
        params={"group_type_index": group_type_index, "group_key": group_key},
        scope="Group",
        object_id=group_object_id(group_type_index, group_key),
        project_id=target.project_id,
    )
    try:
        return _source_poll(poll, source)
    except NotFound:
        return True  # deleted since the list was read: nothing left to keep


def _is_index(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _following(indexes: list[int], index: int | None) -> int:
    """The group type after `index`, round and round."""
    later = [i for i in indexes if index is None or i > index]
    return later[0] if later else indexes[0]


def _results(page: Any) -> list:
    if isinstance(page, dict) and isinstance(page.get("results"), list):
        return page["results"]
    raise BadResponse("Expected a page of groups from PostHog.")


def _cursor(next_url: Any) -> str | None:
    if not isinstance(next_url, str):
        return None
    return parse_qs(urlsplit(next_url).query).get("cursor", [None])[0]
