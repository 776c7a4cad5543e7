"""The merged trail: the portal's own audit events and the PostHog activity the poller kept, filtered and in order.

Both sources are read newest first on their (created_at, id) indexes and merged in order of (time, source, id),
descending, where PostHog's entry comes before the portal's event at the same instant; or oldest first, that order
exactly reversed (the same indexes, read backwards). A page is keyset-paginated across both (never OFFSET): each
source is asked for the rows after the last row shown, and the two short lists are merged. The CSV export merges the two streams the same way, each read in chunks from its own cursor.
"""

import heapq
import operator
from collections.abc import Iterable, Iterator
from functools import reduce
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.fields.json import KT

from apps.audit.actions import ACTIVITY_VERBS, activities_of, event_action
from apps.audit.models import AuditEvent
from apps.core.paging import CursorPage
from apps.history.linking import CONFIG_ACTIVITIES_AS_PLUGIN, SCOPE_OF_AREA, area_of_entry
from apps.history.models import ActivitySnapshot
from apps.trail.presenters import activity_label
from apps.trail.selectors.entries import group_object_ids_learned
from apps.trail.selectors.rows import FAILED, PORTAL, POSTHOG, SOURCE_RANK, TrailFilters, TrailPosition, TrailRow

STREAM_CHUNK = 2000
EVENT_COLUMNS = (
    "pk",
    "created_at",
    "actor_name",
    "area",
    "object_id",
    "method",
    "path",
    "outcome",
    "status_code",
    "error",
    "connection_name",
    "in_posthog_log",
    "action",
    "object_name",
    "settled",
)
SNAPSHOT_COLUMNS = (
    "pk",
    "created_at",
    "scope",
    "item_id",
    "activity",
    "user_name",
    "user_email",
    "detail_name",
    "audit_event_id",
    "audit_event__actor_name",
    "connection__name",
    "connection_id",
)
# What the search box looks in, for each source: the object's name on both (a portal event's name when written,
# PostHog's `detail.name` read as text, which the JSON text of `entry` may hold escaped).
EVENT_SEARCHED = ("object_name", "path", "actor_name", "object_id", "error", "connection_name", "request_body")
SNAPSHOT_SEARCHED = (
    "detail_name",
    "user_name",
    "user_email",
    "item_id",
    "activity",
    "audit_event__actor_name",
    "entry",
)


def audit_trail_page(
    *, filters: TrailFilters, cursor: TrailPosition | None = None, limit: int = 50, oldest_first: bool = False
) -> CursorPage[TrailRow, TrailPosition]:
    """`limit` rows after `cursor`, newest first (or oldest first), and the position the next page starts after
    (None: no more)."""
    events = _after(_ordered(_events(filters), oldest_first), cursor, PORTAL, oldest_first)
    snapshots = _after(_ordered(_snapshots(filters), oldest_first), cursor, POSTHOG, oldest_first)
    portal = _event_rows(events[: limit + 1])
    kept = list(snapshots[: limit + 1])
    posthog = _snapshot_rows(kept, group_object_ids_learned(items=_group_items(kept)))
    rows = sorted([*portal, *posthog], key=lambda row: row.key, reverse=not oldest_first)[: limit + 1]
    return CursorPage(items=rows[:limit], next=rows[limit - 1].position if len(rows) > limit else None)


def audit_trail_stream(*, filters: TrailFilters) -> Iterator[TrailRow]:
    """Every row of the filters, newest first, read in chunks: memory stays flat however long the trail."""
    portal = _event_rows(_events(filters).iterator(chunk_size=STREAM_CHUNK))
    posthog = _snapshot_rows(_snapshots(filters).iterator(chunk_size=STREAM_CHUNK))
    return heapq.merge(portal, posthog, key=lambda row: row.key, reverse=True)


def _events(filters: TrailFilters) -> QuerySet[AuditEvent, tuple[Any, ...]]:
    """The portal's events matching the filters, newest first, as tuples of EVENT_COLUMNS."""
    rows = AuditEvent.objects.all()
    person_source, _, person = filters.person.partition(":")
    if _other_source(PORTAL, filters.source, person_source):
        rows = rows.none()
    if person:
        rows = rows.filter(actor_name=person)
    if filters.verb:
        rows = rows.filter(action=filters.verb)
    if filters.area:
        rows = rows.filter(area=filters.area)
    if filters.object_id:
        rows = rows.filter(object_id=filters.object_id)
    if filters.outcome:
        rows = rows.filter(outcome=filters.outcome)
    return (
        _in_span_and_search(rows, filters, EVENT_SEARCHED)
        .annotate(in_posthog_log=Exists(ActivitySnapshot.objects.filter(audit_event=OuterRef("pk"))))
        .order_by("-created_at", "-id")
        .values_list(*EVENT_COLUMNS)
    )


def _snapshots(filters: TrailFilters) -> QuerySet[ActivitySnapshot, tuple[Any, ...]]:
    """PostHog's stored entries matching the filters, newest first, as tuples of SNAPSHOT_COLUMNS."""
    rows = ActivitySnapshot.objects.all()
    person_source, _, person = filters.person.partition(":")
    failures_only = filters.outcome in FAILED  # PostHog records only what happened
    unknown_area = filters.area and filters.area not in SCOPE_OF_AREA
    if _other_source(POSTHOG, filters.source) or failures_only or unknown_area:
        rows = rows.none()
    if person_source == PORTAL:
        rows = rows.filter(audit_event__actor_name=person)
    elif person:
        rows = rows.filter(Q(user_email=person) | Q(user_email="", user_name=person))
    if filters.verb:
        rows = rows.filter(activity__in=activities_of(filters.verb))
    if filters.area in SCOPE_OF_AREA:
        of_area = Q(scope=SCOPE_OF_AREA[filters.area])
        if filters.area == "plugin_configs":
            of_area |= Q(scope="Plugin", activity__in=CONFIG_ACTIVITIES_AS_PLUGIN)
        elif filters.area == "plugins":
            of_area &= ~Q(activity__in=CONFIG_ACTIVITIES_AS_PLUGIN)
        rows = rows.filter(of_area)
    if filters.object_id:
        rows = rows.filter(_about_object(filters.object_id, filters.area))
    return (
        _in_span_and_search(rows.annotate(detail_name=KT("entry__detail__name")), filters, SNAPSHOT_SEARCHED)
        .order_by("-created_at", "-id")
        .values_list(*SNAPSHOT_COLUMNS)
    )


def _in_span_and_search[M: (AuditEvent, ActivitySnapshot)](
    rows: QuerySet[M], filters: TrailFilters, searched: tuple[str, ...]
) -> QuerySet[M]:
    """The filters both sources read alike: the time span, and the search in the `searched` columns."""
    if filters.after:
        rows = rows.filter(created_at__gte=filters.after)
    if filters.before:
        rows = rows.filter(created_at__lte=filters.before)
    if filters.search:
        rows = rows.filter(reduce(operator.or_, (Q(**{f"{name}__icontains": filters.search}) for name in searched)))
    return rows


def _ordered[Rows: QuerySet[Any, Any]](rows: Rows, oldest_first: bool) -> Rows:
    """A source's rows oldest first instead of newest first: the same index, read the other way."""
    return rows.order_by("created_at", "id") if oldest_first else rows


def _other_source(source: str, *asked: str) -> bool:
    """Whether a filter asks for the other source only (a PostHog user, say, while reading portal events)."""
    return any(value and value != source for value in asked)


def _about_object(object_id: str, area: str) -> Q:
    """Entries of the object: by PostHog's item id, or linked to the object's portal writes, or of the same item
    as those (a group, which PostHog names by an id the portal never sees)."""
    linked = Q(audit_event__object_id=object_id)
    if area:
        linked &= Q(audit_event__area=area)
    learned = ActivitySnapshot.objects.filter(linked).values("item_id")
    return Q(item_id=object_id) | linked | Q(item_id__in=learned)


def _after[Rows: QuerySet[Any, Any]](
    rows: Rows, position: TrailPosition | None, source: str, oldest_first: bool = False
) -> Rows:
    """The rows of one source that come after `position` in the merged order (time, source, id), descending (or
    ascending, `oldest_first`)."""
    if position is None:
        return rows
    rank, position_rank = SOURCE_RANK[source], SOURCE_RANK[position.source]
    if oldest_first:
        if rank < position_rank:  # this source's rows at that instant came before the position's
            return rows.filter(created_at__gt=position.at)
        if rank > position_rank:
            return rows.filter(created_at__gte=position.at)
        return rows.filter(Q(created_at__gte=position.at), Q(created_at__gt=position.at) | Q(id__gt=position.id))
    if rank < position_rank:  # this source's rows at that instant come after the position's
        return rows.filter(created_at__lte=position.at)
    if rank > position_rank:
        return rows.filter(created_at__lt=position.at)
    # `created_at <= t` on its own lets the index range start at the position; the OR settles ties.
    return rows.filter(Q(created_at__lte=position.at), Q(created_at__lt=position.at) | Q(id__lt=position.id))


def _event_rows(rows: Iterable[tuple[Any, ...]]) -> Iterator[TrailRow]:
    for (
        pk,
        at,
        actor,
        area,
        object_id,
        method,
        path,
        outcome,
        status,
        error,
        connection,
        in_log,
        action,
        name,
        settled,
    ) in rows:
        yield TrailRow(
            source=PORTAL,
            id=pk,
            at=at,
            person=actor,
            posthog_user="",
            via_portal=False,
            area=area,
            object_id=object_id,
            action=method,
            summary=path,
            outcome=outcome,
            status_code=status,
            error=error,
            connection_name=connection,
            in_posthog_log=in_log,
            # An event recorded before verbs were (and not filled since) reads by its method and path.
            verb=event_action(action=action, method=method, path=path, area=area),
            object_name=name,
            settled=settled,
        )


def _group_items(rows: list[tuple[Any, ...]]) -> list[tuple[int | None, str, str]]:
    """(connection, scope, item id) of each group entry among SNAPSHOT_COLUMNS tuples: whose key to learn."""
    return [(row[-1], row[2], row[3]) for row in rows if area_of_entry(row[2], row[4]) == "groups"]


def _snapshot_rows(
    rows: Iterable[tuple[Any, ...]], learned: dict[tuple[int | None, str, str], str] | None = None
) -> Iterator[TrailRow]:
    """`learned`: a group's "type:key" by (connection, scope, item id), where the portal knows it."""
    for pk, at, scope, item_id, activity, name, email, detail_name, event_id, actor, connection, connection_id in rows:
        credited = name or email or "PostHog"
        yield TrailRow(
            source=POSTHOG,
            id=pk,
            at=at,
            person=actor if event_id else credited,
            posthog_user=credited,
            via_portal=event_id is not None,
            area=area_of_entry(scope, activity) or scope,
            object_id=item_id,
            action=activity,
            summary=f"{activity_label(activity)} {detail_name or item_id}".strip(),
            outcome=AuditEvent.Outcome.SUCCESS,
            connection_name=connection,
            linked_id=event_id,
            verb=ACTIVITY_VERBS.get(activity, ""),
            object_name=detail_name or "",
            portal_object_id=(learned or {}).get((connection_id, scope, item_id), ""),
        )
