"""Recording of audit events. The PostHog client calls `audit_record_write` for every write."""

from typing import Any

from apps.audit.actions import local_action, write_action
from apps.audit.masking import mask_secrets
from apps.audit.models import AuditEvent
from apps.audit.naming import area_and_object_from_path, object_name_of, write_object_id
from apps.audit.signals import audit_event_recorded
from apps.posthog.client import WriteRecord
from apps.posthog.settle import UNKNOWN


def _who(actor, connection) -> dict:
    """The person (or "system") and connection fields every event carries."""
    signed_in = getattr(actor, "is_authenticated", False)
    return {
        "actor": actor if signed_in else None,
        "actor_name": actor.get_username() if signed_in else "system",
        "connection": connection,
        "connection_name": connection.name if connection else "",
    }


def audit_record_write(*, actor, connection, record: WriteRecord) -> AuditEvent:
    area, object_id = area_and_object_from_path(record.path)
    if not object_id:
        object_id = write_object_id(area=area, path=record.path, body=record.body, response=record.response)
    body = mask_secrets(record.body, record.secret_keys)
    before = mask_secrets(record.before, record.secret_keys)
    after = mask_secrets(record.response, record.secret_keys) if isinstance(record.response, (dict, list)) else None
    event = AuditEvent.objects.create(
        **_who(actor, connection),
        area=area,
        object_id=object_id,
        object_name=object_name_of(area=area, before=before, after=after, body=body),
        action=write_action(method=record.method, path=record.path, body=record.body, area=area),
        method=record.method,
        path=record.path[:500],
        request_body=body,
        before=before,
        after=after,
        status_code=record.status,
        outcome=_outcome(record),
        error=record.error.user_message if record.error else "",
        duration_ms=record.duration_ms,
        settled=record.settled,
        check_url=_check_url(record, connection) if record.settled == UNKNOWN else "",
    )
    # The activity poller may have stored PostHog's entry of this write while it was under way: history,
    # which keeps those entries, links them (apps/history/apps.py listens; audit never imports history).
    audit_event_recorded.send(sender=AuditEvent, event=event)
    return event


def _outcome(record: WriteRecord) -> str:
    if record.unkept:
        return AuditEvent.Outcome.NOT_KEPT
    if record.settled == UNKNOWN:
        return AuditEvent.Outcome.UNKNOWN
    return AuditEvent.Outcome.FAILURE if record.error else AuditEvent.Outcome.SUCCESS


def _check_url(record: WriteRecord, connection) -> str:
    """Where a person checks what PostHog holds: the object's page in PostHog's app when the client named one,
    else the connection's PostHog."""
    app_url = getattr(record.error, "app_url", None)
    return (app_url or (connection.host if connection else ""))[:500]


def audit_record_local(
    *,
    actor,
    area: str,
    object_id: str,
    method: str,
    description: str,
    before: Any = None,
    after: Any = None,
    connection=None,
    action: str = "",
    object_name: str = "",
) -> AuditEvent:
    """A change to the portal's own state (a connection, say), recorded like an upstream write. `action` is its
    verb (apps/audit/actions.py; by default the method's), `object_name` what the object is called (by default
    the `name` its before or after state holds)."""
    before, after = mask_secrets(before), mask_secrets(after)
    return AuditEvent.objects.create(
        **_who(actor, connection),
        area=area,
        object_id=str(object_id),
        object_name=(object_name or object_name_of(area=area, before=before, after=after))[:200],
        action=action or local_action(method=method),
        method=method,
        path=description[:500],
        before=before,
        after=after,
        outcome=AuditEvent.Outcome.SUCCESS,
    )
