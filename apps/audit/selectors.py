"""Reads of the audit trail: the portal's own audit events merged with the PostHog activity the poller stored.

Both sources are read newest first on their (created_at, id) indexes and merged in order of (time, source, id),
descending, where PostHog's entry comes before the portal's event at the same instant. A page is keyset-paginated
across both (never OFFSET): each source is asked for the rows after the last row shown, and the two short lists
are merged. The CSV export merges the two streams the same way, each read in chunks from its own cursor.
"""

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple
from urllib.parse import urlsplit

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.fields.json import KT
from django.shortcuts import get_object_or_404

from apps.audit.diff import FieldChange, activity_field_changes, field_changes
from apps.audit.masking import mask_secrets
from apps.audit.models import AuditEvent
from apps.core.activity import VERBS, ActivityItem, activity_items
from apps.core.navigation import AREAS_BY_SLUG
from apps.history.linking import AREA_OF_SCOPE, CONFIG_ACTIVITIES_AS_PLUGIN, SCOPE_OF_AREA, area_of_entry
from apps.history.models import ActivitySnapshot

PORTAL = "portal"
POSTHOG = "posthog"
# At the same instant PostHog's entry sorts first (it is recorded while the portal's write is still under way).
SOURCE_RANK = {PORTAL: 0, POSTHOG: 1}
SOURCE_LABELS = {PORTAL: "Portal", POSTHOG: "PostHog"}
METHODS = ["POST", "PATCH", "PUT", "DELETE"]
WRITE_VERBS = {"PATCH": "changed it", "PUT": "replaced it", "DELETE": "deleted it"}
STREAM_CHUNK = 2000
CHANGES_SHOWN = 12


@dataclass(frozen=True)
class TrailFilters:
    """What the audit page's form asks for; empty means any. `person` and `action` carry their source:
    "portal:ada" or "posthog:dana@example.com", "portal:PATCH" or "posthog:enabled"."""

    person: str = ""
    area: str = ""
    object_id: str = ""
    action: str = ""
    outcome: str = ""
    source: str = ""
    after: datetime | None = None
    before: datetime | None = None
    search: str = ""


class TrailPosition(NamedTuple):
    """Where a page ended: the next page starts after this (time, source, id), in the merged order."""

    at: datetime
    source: str
    id: int

    def __str__(self) -> str:
        return f"{self.at.isoformat()}~{self.source}~{self.id}"

    @classmethod
    def parse(cls, text: str) -> "TrailPosition | None":
        at_text, _, rest = (text or "").partition("~")
        source, _, row_id = rest.partition("~")
        try:
            at = datetime.fromisoformat(at_text)
        except ValueError:
            return None
        if source not in SOURCE_RANK or not row_id.isdigit() or at.tzinfo is None:
            return None
        return cls(at, source, int(row_id))


@dataclass(frozen=True)
class TrailRow:
    """One line of the trail, from either source."""

    source: str
    id: int
    at: datetime
    person: str  # who did it: the portal user, also for PostHog entries caused by a portal write
    posthog_user: str  # whom PostHog credits (the API key's owner for writes through the portal); "" for events
    via_portal: bool  # a PostHog entry linked to the portal write that caused it
    area: str
    object_id: str
    action: str  # the HTTP method of a portal write, PostHog's activity name of an entry
    summary: str
    outcome: str
    status_code: int | None = None
    error: str = ""
    connection_name: str = ""
    linked_id: int | None = None  # a PostHog entry's portal event
    in_posthog_log: bool = False  # a portal event with PostHog entries linked to it

    @property
    def key(self) -> tuple:
        return (self.at, SOURCE_RANK[self.source], self.id)

    @property
    def position(self) -> TrailPosition:
        return TrailPosition(self.at, self.source, self.id)

    @property
    def area_label(self) -> str:
        return area_label(self.area)

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS[self.source]

    @property
    def failed(self) -> bool:
        return self.outcome in (AuditEvent.Outcome.FAILURE, AuditEvent.Outcome.NOT_KEPT)

    @property
    def not_kept(self) -> bool:
        return self.outcome == AuditEvent.Outcome.NOT_KEPT

    @property
    def verb(self) -> str:
        """What a portal write did to its object, in words: "changed it", "ran “upgrade” on it"."""
        path = urlsplit(self.summary).path if "://" in self.summary else self.summary.split("?", 1)[0]
        if not path.startswith("/"):
            return self.summary  # a change to the portal's own settings, described when recorded
        if self.action in WRITE_VERBS:
            return WRITE_VERBS[self.action]
        segments = [segment for segment in path.split("/") if segment]
        action = segments[-1] if segments else ""
        return "created it" if action in (self.area, self.object_id) else f"ran “{action.replace('_', ' ')}” on it"


@dataclass
class HistoryItem:
    """A row of an object's history timeline, with what changed."""

    row: TrailRow
    changes: list[FieldChange] = field(default_factory=list)
    more_changes: int = 0


# The merged trail ------------------------------------------------------------------------------------------


def audit_trail_page(
    *, filters: TrailFilters, cursor: TrailPosition | None = None, limit: int = 50
) -> tuple[list[TrailRow], TrailPosition | None]:
    """`limit` rows after `cursor`, newest first, and the position the next page starts after (None: no more)."""
    portal = _event_rows(_after(_events(filters), cursor, PORTAL)[: limit + 1])
    posthog = _snapshot_rows(_after(_snapshots(filters), cursor, POSTHOG)[: limit + 1])
    rows = sorted([*portal, *posthog], key=lambda row: row.key, reverse=True)[: limit + 1]
    next_position = rows[limit - 1].position if len(rows) > limit else None
    return rows[:limit], next_position


def audit_trail_stream(*, filters: TrailFilters) -> Iterator[TrailRow]:
    """Every row of the filters, newest first, read in chunks: memory stays flat however long the trail."""
    portal = _event_rows(_events(filters).iterator(chunk_size=STREAM_CHUNK))
    posthog = _snapshot_rows(_snapshots(filters).iterator(chunk_size=STREAM_CHUNK))
    return heapq.merge(portal, posthog, key=lambda row: row.key, reverse=True)


def object_history_page(
    *, area: str, object_id: str, cursor: TrailPosition | None = None, limit: int = 20
) -> tuple[list[HistoryItem], TrailPosition | None]:
    """One object's trail, with each change field by field (secrets masked)."""
    rows, next_position = audit_trail_page(
        filters=TrailFilters(area=area, object_id=object_id), cursor=cursor, limit=limit
    )
    event_ids = [row.id for row in rows if row.source == PORTAL]
    snapshot_ids = [row.id for row in rows if row.source == POSTHOG]
    events = AuditEvent.objects.filter(pk__in=event_ids).values_list("pk", "before", "after")
    states = {pk: (before, after) for pk, before, after in events}
    entries = dict(ActivitySnapshot.objects.filter(pk__in=snapshot_ids).values_list("pk", "entry"))
    items = []
    for row in rows:
        if row.source == PORTAL:
            changed = [change for change in event_field_changes(*states[row.id]) if change.kind != "unchanged"]
        else:
            changed = activity_field_changes(mask_secrets(entries[row.id]))
        items.append(HistoryItem(row, changed[:CHANGES_SHOWN], max(len(changed) - CHANGES_SHOWN, 0)))
    return items, next_position


# One entry ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventDetail:
    event: AuditEvent
    changes: list[FieldChange]  # added, removed or changed
    unchanged: list[FieldChange]
    request_body: list[FieldChange]  # flattened, as "added" values
    linked: list[tuple[ActivitySnapshot, ActivityItem]]
    polled: bool  # an area whose PostHog activity the poller keeps

    @property
    def area_label(self) -> str:
        return area_label(self.event.area)


@dataclass(frozen=True)
class EntryDetail:
    snapshot: ActivitySnapshot
    item: ActivityItem
    area: str
    changes: list[FieldChange]

    @property
    def area_label(self) -> str:
        return area_label(self.area) if self.area else self.snapshot.scope


def audit_event_detail(*, event_id: int) -> EventDetail:
    event = get_object_or_404(AuditEvent.objects.select_related("connection"), pk=event_id)
    linked = list(event.activity_entries.order_by("created_at", "id"))
    changes = event_field_changes(event.before, event.after)
    return EventDetail(
        event=event,
        changes=[change for change in changes if change.kind != "unchanged"],
        unchanged=[change for change in changes if change.kind == "unchanged"],
        request_body=field_changes(None, mask_secrets(event.request_body)),
        linked=list(zip(linked, activity_items([_entry(snapshot) for snapshot in linked]), strict=True)),
        polled=event.area in SCOPE_OF_AREA,
    )


def activity_entry_detail(*, snapshot_id: int) -> EntryDetail:
    snapshot = get_object_or_404(ActivitySnapshot.objects.select_related("audit_event", "connection"), pk=snapshot_id)
    entry = _entry(snapshot)
    return EntryDetail(
        snapshot=snapshot,
        item=activity_items([entry])[0],
        area=area_of_entry(snapshot.scope, snapshot.activity) or "",
        changes=activity_field_changes(entry),
    )


def _entry(snapshot: ActivitySnapshot) -> dict:
    return mask_secrets(snapshot.entry) if isinstance(snapshot.entry, dict) else {}


def event_field_changes(before, after) -> list[FieldChange]:
    """Secrets are masked when recorded; masked again here, in case an older row slipped through."""
    return field_changes(mask_secrets(before), mask_secrets(after))


# Filter choices -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FilterChoices:
    portal_people: list[str]
    posthog_people: list[tuple[str, str]]  # (value, label)
    areas: list[tuple[str, str]]
    activities: list[tuple[str, str]]


def audit_filter_choices() -> FilterChoices:
    """What the filters offer: the people, areas and PostHog activities the trail holds."""
    portal_people = list(AuditEvent.objects.order_by("actor_name").values_list("actor_name", flat=True).distinct())
    posthog_people = {
        email or name: f"{name} <{email}>" if name and email else email or name
        for email, name in ActivitySnapshot.objects.values_list("user_email", "user_name").distinct()
        if email or name
    }
    areas = set(AuditEvent.objects.order_by().values_list("area", flat=True).distinct())
    scopes = ActivitySnapshot.objects.order_by().values_list("scope", flat=True).distinct()
    areas |= {AREA_OF_SCOPE[scope] for scope in scopes if scope in AREA_OF_SCOPE}
    activities = ActivitySnapshot.objects.order_by("activity").values_list("activity", flat=True).distinct()
    return FilterChoices(
        portal_people=portal_people,
        posthog_people=sorted(posthog_people.items(), key=lambda item: item[1].casefold()),
        areas=sorted(((area, area_label(area)) for area in areas if area), key=lambda item: item[1].casefold()),
        activities=[(activity, activity_label(activity)) for activity in activities if activity],
    )


def area_label(area: str) -> str:
    known = AREAS_BY_SLUG.get(area)
    return known.label if known else area.replace("_", " ").capitalize()


def activity_label(activity: str) -> str:
    return VERBS.get(activity, activity.replace("_", " "))


# Queries --------------------------------------------------------------------------------------------------

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
)


def _events(filters: TrailFilters) -> QuerySet:
    """The portal's events matching the filters, newest first, as tuples of EVENT_COLUMNS."""
    rows = AuditEvent.objects.all()
    person_source, _, person = filters.person.partition(":")
    action_source, _, action = filters.action.partition(":")
    if _other_source(PORTAL, filters.source, person_source, action_source):
        rows = rows.none()
    if person:
        rows = rows.filter(actor_name=person)
    if action:
        rows = rows.filter(method=action)
    if filters.area:
        rows = rows.filter(area=filters.area)
    if filters.object_id:
        rows = rows.filter(object_id=filters.object_id)
    if filters.outcome:
        rows = rows.filter(outcome=filters.outcome)
    if filters.after:
        rows = rows.filter(created_at__gte=filters.after)
    if filters.before:
        rows = rows.filter(created_at__lte=filters.before)
    if filters.search:
        rows = rows.filter(
            Q(path__icontains=filters.search)
            | Q(actor_name__icontains=filters.search)
            | Q(object_id__icontains=filters.search)
            | Q(error__icontains=filters.search)
            | Q(connection_name__icontains=filters.search)
            | Q(request_body__icontains=filters.search)
        )
    return (
        rows.annotate(in_posthog_log=Exists(ActivitySnapshot.objects.filter(audit_event=OuterRef("pk"))))
        .order_by("-created_at", "-id")
        .values_list(*EVENT_COLUMNS)
    )


def _snapshots(filters: TrailFilters) -> QuerySet:
    """PostHog's stored entries matching the filters, newest first, as tuples of SNAPSHOT_COLUMNS."""
    rows = ActivitySnapshot.objects.all()
    person_source, _, person = filters.person.partition(":")
    action_source, _, action = filters.action.partition(":")
    # PostHog records only what happened.
    failures_only = filters.outcome in (AuditEvent.Outcome.FAILURE, AuditEvent.Outcome.NOT_KEPT)
    unknown_area = filters.area and filters.area not in SCOPE_OF_AREA
    if _other_source(POSTHOG, filters.source, action_source) or failures_only or unknown_area:
        rows = rows.none()
    if person_source == PORTAL:
        rows = rows.filter(audit_event__actor_name=person)
    elif person:
        rows = rows.filter(Q(user_email=person) | Q(user_email="", user_name=person))
    if action:
        rows = rows.filter(activity=action)
    if filters.area in SCOPE_OF_AREA:
        of_area = Q(scope=SCOPE_OF_AREA[filters.area])
        if filters.area == "plugin_configs":
            of_area |= Q(scope="Plugin", activity__in=CONFIG_ACTIVITIES_AS_PLUGIN)
        elif filters.area == "plugins":
            of_area &= ~Q(activity__in=CONFIG_ACTIVITIES_AS_PLUGIN)
        rows = rows.filter(of_area)
    if filters.object_id:
        rows = rows.filter(_about_object(filters.object_id, filters.area))
    if filters.after:
        rows = rows.filter(created_at__gte=filters.after)
    if filters.before:
        rows = rows.filter(created_at__lte=filters.before)
    if filters.search:
        rows = rows.filter(
            Q(user_name__icontains=filters.search)
            | Q(user_email__icontains=filters.search)
            | Q(item_id__icontains=filters.search)
            | Q(activity__icontains=filters.search)
            | Q(audit_event__actor_name__icontains=filters.search)
            | Q(entry__icontains=filters.search)
        )
    return (
        rows.annotate(detail_name=KT("entry__detail__name"))
        .order_by("-created_at", "-id")
        .values_list(*SNAPSHOT_COLUMNS)
    )


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


def _after(rows: QuerySet, position: TrailPosition | None, source: str) -> QuerySet:
    """The rows of one source that come after `position` in the merged order (time, source, id), descending."""
    if position is None:
        return rows
    rank, position_rank = SOURCE_RANK[source], SOURCE_RANK[position.source]
    if rank < position_rank:  # this source's rows at that instant come after the position's
        return rows.filter(created_at__lte=position.at)
    if rank > position_rank:
        return rows.filter(created_at__lt=position.at)
    # `created_at <= t` on its own lets the index range start at the position; the OR settles ties.
    return rows.filter(Q(created_at__lte=position.at), Q(created_at__lt=position.at) | Q(id__lt=position.id))


def _event_rows(rows) -> Iterator[TrailRow]:
    for pk, at, actor, area, object_id, method, path, outcome, status, error, connection, in_log in rows:
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
        )


def _snapshot_rows(rows) -> Iterator[TrailRow]:
    for pk, at, scope, item_id, activity, name, email, detail_name, event_id, actor, connection in rows:
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
        )
