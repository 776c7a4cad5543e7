"""Retention of the audit trail: events older than AUDIT_RETENTION_DAYS (0: keep for ever) are deleted, and the
pruning is itself an audit event, by "system".

Deletes go in chunks, each in a transaction of its own (short statements, short locks). On PostgreSQL the trigger
of migration 0003 refuses every DELETE unless the transaction has set `portal.audit_prune`, which only this
module does, for the length of one chunk.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record_local

PRUNE_CHUNK = 5_000
PRUNE_SETTING = "portal.audit_prune"


def audit_prune(*, now: datetime | None = None) -> int:
    """Delete the events older than the retention period; how many went."""
    days = settings.AUDIT_RETENTION_DAYS
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted = 0
    while chunk := _chunk_delete(cutoff):
        deleted += chunk
    if deleted:
        audit_record_local(
            actor=None,
            area="audit",
            object_id="",
            method="DELETE",
            action="prune",
            description=f"pruned {deleted} audit event{'s' if deleted != 1 else ''} older than "
            f"{cutoff:%Y-%m-%d %H:%M} UTC (AUDIT_RETENTION_DAYS={days})",
            after={"pruned_events": deleted, "older_than": cutoff.isoformat(), "retention_days": days},
        )
    return deleted


@transaction.atomic
def _chunk_delete(cutoff: datetime) -> int:
    oldest = AuditEvent.pruning.filter(created_at__lt=cutoff).order_by().values("pk")[:PRUNE_CHUNK]
    with _deletes_allowed():
        # Only primary keys are loaded; Django nulls the links of activity entries to these events first.
        _, counts = AuditEvent.pruning.filter(pk__in=oldest).only("pk").delete()
    return counts.get(AuditEvent._meta.label, 0)


@contextmanager
def _deletes_allowed() -> Iterator[None]:
    """The trigger's consent, for this transaction only; after an error the rollback withdraws it."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [PRUNE_SETTING])
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'off', true)", [PRUNE_SETTING])
