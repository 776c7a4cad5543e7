"""One object's timeline: its part of the trail, each change field by field (secrets masked)."""

from apps.audit.diff import activity_field_changes
from apps.audit.masking import mask_secrets
from apps.audit.models import AuditEvent
from apps.core.paging import CursorPage
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
    events = AuditEvent.objects.filter(pk__in=event_ids).values_list("pk", "before", "after")
    states = {pk: (before, after) for pk, before, after in events}
    entries = dict(ActivitySnapshot.objects.filter(pk__in=snapshot_ids).values_list("pk", "entry"))
    items = []
    for row in page.items:
        if row.source == PORTAL:
            changed = [change for change in event_field_changes(*states[row.id]) if change.kind != "unchanged"]
        else:
            changed = activity_field_changes(mask_secrets(entries[row.id]))
        items.append(HistoryItem(row, changed[:CHANGES_SHOWN], max(len(changed) - CHANGES_SHOWN, 0)))
    return CursorPage(items=items, next=page.next)
