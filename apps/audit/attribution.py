"""Which portal write caused a PostHog activity entry, and an object's PostHog activity merged with its portal writes.

PostHog credits a change made with an API key to the key's owner; the portal knows who really made it. An entry of
an object is the work of the portal's successful write of the same connection, area and object when PostHog
recorded it between the start of that write (less CLOCK_TOLERANCE, for the two clocks) and LINK_WINDOW after it;
of several such writes the nearest in time wins. The activity poller links the entries it stores by this rule
(apps/history/linking.py); the object pages apply it to the entries they read live from PostHog, so both name the
same person.
"""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from django.db.models import Q

from apps.audit.actions import event_action, verb_done
from apps.audit.models import AuditEvent
from apps.core.activity import ActivityItem
from apps.core.paging import CursorPage

LINK_WINDOW = timedelta(minutes=2)
CLOCK_TOLERANCE = timedelta(seconds=10)


def write_started(event: AuditEvent) -> datetime:
    return event.created_at - timedelta(milliseconds=event.duration_ms)


def write_within_window(event: AuditEvent, at: datetime) -> bool:
    return write_started(event) - CLOCK_TOLERANCE <= at <= event.created_at + LINK_WINDOW


def write_distance(event: AuditEvent, at: datetime) -> timedelta:
    """How far `at` lies from the time the write was under way (zero within it)."""
    if at < write_started(event):
        return write_started(event) - at
    return max(at - event.created_at, timedelta(0))


def write_objects(event: AuditEvent) -> set[str]:
    """The objects a write touched: the one it names, else those its answer lists (a pipeline reordered)."""
    if event.object_id:
        return {event.object_id}
    after = event.after if isinstance(event.after, list) else []
    return {str(item["id"]) for item in after if isinstance(item, dict) and item.get("id") not in (None, "")}


def activity_timeline_page(
    *, connection_id: int | None, areas: dict[str, str | None], page: CursorPage[ActivityItem, int], number: int
) -> CursorPage[ActivityItem, int]:
    """Page `number` of PostHog's activity (paged by number) as a page of the timeline (see activity_timeline)."""
    items = activity_timeline(
        connection_id=connection_id, areas=areas, items=page.items, first_page=number == 1, last_page=page.next is None
    )
    return CursorPage(items=items, next=page.next)


def activity_timeline(
    *,
    connection_id: int | None,
    areas: dict[str, str | None],
    items: list[ActivityItem],
    first_page: bool,
    last_page: bool,
) -> list[ActivityItem]:
    """One page of an object's timeline, newest first: PostHog's entries (`items`, one page of its activity) with
    those a portal write caused credited to the person who made it, and the portal's writes of the object in the
    span the page covers that PostHog has no entry of (a failed write, one PostHog does not log).

    `areas` maps each audit area the page is about to its object id (None: every object of the area, for a list
    of all plugins' activity). The span runs from the page's oldest entry (from the beginning on the last page) to
    its newest (to now on the first), so that pages read one after another show each write once."""
    if connection_id is None:
        return sorted(items, key=_newest_first, reverse=True)
    moments = [item.when for item in items if item.when is not None]
    newest = None if first_page or not moments else max(moments)
    oldest = None if last_page or not moments else min(moments)
    if not moments and not (first_page and last_page):
        return items
    events = _events(connection_id=connection_id, areas=areas, oldest=oldest, newest=newest)
    one_object = all(object_id is not None for object_id in areas.values())
    credited = [_credited(item, events, one_object=one_object) for item in items]
    shown = {item.portal_event_id for item in credited if item.portal_event_id is not None}
    writes = [_write_item(event) for event in events if event.pk not in shown]
    return sorted([*credited, *writes], key=_newest_first, reverse=True)


def _events(
    *, connection_id: int, areas: dict[str, str | None], oldest: datetime | None, newest: datetime | None
) -> list[AuditEvent]:
    of_object = Q()
    for area, object_id in areas.items():
        of_object |= Q(area=area) if object_id is None else Q(area=area, object_id=object_id)
    rows = AuditEvent.objects.filter(of_object, connection_id=connection_id)
    # The window reaches past the span: a write's entry may be recorded up to LINK_WINDOW after it.
    if oldest is not None:
        rows = rows.filter(created_at__gte=oldest - LINK_WINDOW)
    if newest is not None:
        rows = rows.filter(created_at__lte=newest + LINK_WINDOW)
    return list(rows.order_by("-created_at", "-id")[:500])


def _credited(item: ActivityItem, events: list[AuditEvent], *, one_object: bool) -> ActivityItem:
    """The entry credited to the portal write that caused it. On one object's page every entry is the object's,
    whatever PostHog's id of it (a group's is one its API never shows); elsewhere the entry's item must be one
    the write touched."""
    if item.when is None:
        return item
    candidates = [
        (write_distance(event, item.when), -event.pk, event)
        for event in events
        if event.outcome == AuditEvent.Outcome.SUCCESS
        and (one_object or item.item_id in write_objects(event))
        and write_within_window(event, item.when)
    ]
    if not candidates:
        return item
    event = min(candidates, key=lambda candidate: candidate[:2])[2]
    return replace(item, who=event.actor_name, posthog_who=item.who, portal_event_id=event.pk)


def _write_item(event: AuditEvent) -> ActivityItem:
    """A portal write PostHog's page has no entry of, told as a timeline line."""
    return ActivityItem(
        when=event.created_at,
        who=event.actor_name,
        verb=_write_verb(event),
        name=event.object_name or event.object_id,
        scope=event.area,
        item_id=event.object_id,
        source="portal",
        portal_event_id=event.pk,
        failed=event.outcome != AuditEvent.Outcome.SUCCESS,
        error=event.error,
    )


def _write_verb(event: AuditEvent) -> str:
    """What the write did, after the person's name ("disabled"); a failed one says what was tried."""
    verb = event_action(
        action=event.action, method=event.method, path=event.path, area=event.area, body=event.request_body
    )
    return verb_done(
        verb,
        happened=event.outcome == AuditEvent.Outcome.SUCCESS,
        unknown=event.outcome == AuditEvent.Outcome.UNKNOWN,
    )


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _newest_first(item: ActivityItem) -> tuple[datetime, bool, int]:
    """Newest first; at the same instant PostHog's entry above the portal's line (it is recorded while the write
    is under way)."""
    return (item.when or EPOCH, item.source == "posthog", item.portal_event_id or 0)
