"""One object's timeline: its part of the trail, each change field by field (secrets masked)."""

from django.db.models.fields.json import KT

from apps.audit.diff import activity_field_changes
from apps.audit.masking import mask_secrets
from apps.audit.models import AuditEvent
from apps.core.paging import CursorPage
from apps.history.linking import SCOPE_OF_AREA
from apps.history.models import ActivitySnapshot
from apps.trail.selectors.entries import event_field_changes
from apps.trail.selectors.rows import PORTAL, POSTHOG, HistoryItem, TrailFilters, TrailPosition
from apps.trail.selectors.trail import audit_trail_page

CHANGES_SHOWN = 12  # per row; the entry's own page shows them all


def object_history_page(
    *, area: str, object_id: str, cursor: TrailPosition | None = None, limit: int = 20
) -> CursorPage[HistoryItem, TrailPosition]:
    """`limit` rows of the object's trail after `cursor`, newest first, each with what changed."""
    page = audit_trail_page(filters=TrailFilters(area=area, object_id=object_id), cursor=cursor, limit=limit)
    event_ids = [row.id for row in page.items if row.source == PORTAL]
    snapshot_ids = [row.id for row in page.items if row.source == POSTHOG]
    events = AuditEvent.objects.filter(pk__in=event_ids).values_list("pk", "before", "after", "request_body")
    states = {pk: (before, after, body) for pk, before, after, body in events}
    entries = dict(ActivitySnapshot.objects.filter(pk__in=snapshot_ids).values_list("pk", "entry"))
    items = []
    for row in page.items:
        if row.source == PORTAL:
            before, after, body = states[row.id]
            sent = body if row.outcome == AuditEvent.Outcome.SUCCESS else None  # a failed write changed no secret
            changed = [change for change in event_field_changes(before, after, sent) if change.kind != "unchanged"]
        else:
            changed = activity_field_changes(mask_secrets(entries[row.id]))
        items.append(HistoryItem(row, changed[:CHANGES_SHOWN], max(len(changed) - CHANGES_SHOWN, 0)))
    return CursorPage(items=items, next=page.next)


def object_name_latest(*, area: str, object_id: str) -> str:
    """What the object was last called: by the newest portal write that named it, else by PostHog's newest entry
    of it; "" when neither did."""
    named = AuditEvent.objects.filter(area=area, object_id=object_id).exclude(object_name="")
    name = named.order_by("-created_at", "-id").values_list("object_name", flat=True).first()
    # A group's entries name the property changed in detail.name (ee/clickhouse/views/groups.py), never the group.
    if name or area not in SCOPE_OF_AREA or area == "groups":
        return name or ""
    entries = ActivitySnapshot.objects.filter(scope=SCOPE_OF_AREA[area], item_id=object_id)
    name = (
        entries.annotate(detail_name=KT("entry__detail__name"))
        .exclude(detail_name__isnull=True)
        .exclude(detail_name="")
        .order_by("-created_at", "-id")
        .values_list("detail_name", flat=True)
        .first()
    )
    return str(name or "")
