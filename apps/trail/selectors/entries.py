"""One entry of the trail: a portal write's before and after, or a PostHog activity entry's recorded changes."""

from collections.abc import Iterable
from typing import Any

from apps.audit.actions import event_action
from apps.audit.diff import FieldChange, activity_field_changes, field_changes, with_secrets_sent
from apps.audit.masking import mask_secrets
from apps.audit.models import AuditEvent
from apps.core.activity import activity_items
from apps.history.linking import SCOPE_OF_AREA, area_of_entry
from apps.history.models import ActivitySnapshot
from apps.trail.presenters import object_url, write_sentence
from apps.trail.selectors.rows import EntryDetail, EventDetail


def audit_event_detail(*, event_id: int) -> EventDetail | None:
    """The portal write `event_id`; None when there is none (pruned, or never)."""
    event = AuditEvent.objects.select_related("connection").filter(pk=event_id).first()
    if event is None:
        return None
    linked = list(event.activity_entries.order_by("created_at", "id"))
    # Only a write PostHog took changed its secrets; a failed or unkept one shows what was sent, nothing more.
    sent = event.request_body if event.outcome == AuditEvent.Outcome.SUCCESS else None
    changes = event_field_changes(event.before, event.after, sent)
    return EventDetail(
        event=event,
        changes=[change for change in changes if change.kind != "unchanged"],
        unchanged=[change for change in changes if change.kind == "unchanged"],
        request_body=field_changes(None, mask_secrets(event.request_body)),
        linked=list(zip(linked, activity_items([_entry(snapshot) for snapshot in linked]), strict=True)),
        polled=event.area in SCOPE_OF_AREA,
        sentence=write_sentence(
            verb=event_action(
                action=event.action, method=event.method, path=event.path, area=event.area, body=event.request_body
            ),
            area=event.area,
            path=event.path,
            object_id=event.object_id,
            object_name=event.object_name,
            happened=event.outcome == AuditEvent.Outcome.SUCCESS,
            unknown=event.outcome == AuditEvent.Outcome.UNKNOWN,
        ),
    )


def activity_entry_detail(*, snapshot_id: int) -> EntryDetail | None:
    """The PostHog activity entry the poller kept as `snapshot_id`; None when there is none."""
    snapshot = ActivitySnapshot.objects.select_related("audit_event", "connection").filter(pk=snapshot_id).first()
    if snapshot is None:
        return None
    entry = _entry(snapshot)
    area = area_of_entry(snapshot.scope, snapshot.activity) or ""
    object_id = _portal_object_id(snapshot) if area == "groups" else ""
    return EntryDetail(
        snapshot=snapshot,
        item=activity_items([entry])[0],
        area=area,
        changes=activity_field_changes(entry),
        object_id=object_id,
        object_url=object_url(area=area, object_id=object_id) if object_id else "",
    )


def _portal_object_id(snapshot: ActivitySnapshot) -> str:
    key = (snapshot.connection_id, snapshot.scope, snapshot.item_id)
    return group_object_ids_learned(items=[key]).get(key, "")


def group_object_ids_learned(*, items: Iterable[tuple[int | None, str, str]]) -> dict[tuple[int | None, str, str], str]:
    """Each group's "type:key", by (connection, scope, item id): PostHog's group entries carry only the group's id
    (`item_id`, ee/clickhouse/views/groups.py log_activity; `detail.name` is the property), so the key is learned
    from the latest portal write linked to an entry of the same group; a group no write is linked to is left out.
    One query for all of `items` (a page of the trail)."""
    wanted = {item for item in items if item[2]}
    if not wanted:
        return {}
    linked = (
        ActivitySnapshot.objects.filter(
            connection_id__in={connection for connection, _, _ in wanted},
            scope__in={scope for _, scope, _ in wanted},
            item_id__in={item_id for _, _, item_id in wanted},
            audit_event__isnull=False,
        )
        .exclude(audit_event__object_id="")
        .order_by("-created_at", "-id")
        .values_list("connection_id", "scope", "item_id", "audit_event__object_id")
    )
    learned: dict[tuple[int | None, str, str], str] = {}
    for connection, scope, item_id, object_id in linked:
        if (connection, scope, item_id) in wanted:
            learned.setdefault((connection, scope, item_id), object_id)
    return learned


def event_field_changes(before: Any, after: Any, request_body: Any = None) -> list[FieldChange]:
    """Secrets are masked when recorded; masked again here, in case an older row slipped through. A secret the
    write sent reads "changed (secret)", which neither masked side could show."""
    return with_secrets_sent(field_changes(mask_secrets(before), mask_secrets(after)), mask_secrets(request_body))


def _entry(snapshot: ActivitySnapshot) -> dict[str, Any]:
    return mask_secrets(snapshot.entry) if isinstance(snapshot.entry, dict) else {}
