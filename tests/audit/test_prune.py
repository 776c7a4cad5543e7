"""Retention: events older than AUDIT_RETENTION_DAYS go, in chunks, by the pruner alone, and the pruning is audited."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from apps.audit import prune
from apps.audit.models import AuditEvent
from apps.audit.prune import audit_prune
from apps.audit.tasks import prune_audit_trail
from apps.history.models import ActivitySnapshot

pytestmark = pytest.mark.django_db


def events_aged(days: int, count: int, **fields) -> None:
    at = timezone.now() - timedelta(days=days)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            created_at=at,
            actor_name=fields.get("actor_name", "ada"),
            area="plugins",
            object_id=str(number),
            method="PATCH",
            path=f"/api/organizations/@current/plugins/{number}/",
            outcome="success",
        )
        for number in range(count)
    )


def test_old_events_are_deleted_in_chunks_and_the_pruning_is_audited(settings, monkeypatch, demo_connection):
    settings.AUDIT_RETENTION_DAYS = 30
    monkeypatch.setattr(prune, "PRUNE_CHUNK", 7)  # several chunks
    events_aged(45, 20, actor_name="old")
    events_aged(29, 3, actor_name="recent")
    old_linked = AuditEvent.objects.filter(actor_name="old").first()
    entry = ActivitySnapshot.objects.create(
        connection=demo_connection,
        scope="Plugin",
        activity_id="1",
        item_id=old_linked.object_id,
        activity="updated",
        created_at=old_linked.created_at,
        entry={},
        audit_event=old_linked,
    )

    assert audit_prune() == 20

    assert not AuditEvent.objects.filter(actor_name="old").exists()
    assert AuditEvent.objects.filter(actor_name="recent").count() == 3
    pruning = AuditEvent.objects.get(actor_name="system")
    assert (pruning.actor, pruning.area, pruning.method, pruning.outcome) == (None, "audit", "DELETE", "success")
    assert pruning.path.startswith("pruned 20 audit events older than ")
    assert pruning.path.endswith("UTC (AUDIT_RETENTION_DAYS=30)")
    assert pruning.after["pruned_events"] == 20 and pruning.after["retention_days"] == 30
    entry.refresh_from_db()
    assert entry.audit_event is None  # PostHog's entry stays, unlinked

    assert audit_prune() == 0  # nothing left: no second pruning event
    assert AuditEvent.objects.filter(actor_name="system").count() == 1


def test_zero_days_keeps_everything(settings):
    settings.AUDIT_RETENTION_DAYS = 0
    events_aged(4000, 3)
    assert audit_prune() == 0 and AuditEvent.objects.count() == 3


def test_the_daily_task_prunes_and_is_scheduled_by_default(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    events_aged(400, 2)
    assert prune_audit_trail.apply().get() == 2  # run as a worker runs it, without a result backend
    schedule = PeriodicTask.objects.get(task="apps.audit.tasks.prune_audit_trail")
    assert schedule.enabled and (schedule.interval.every, schedule.interval.period) == (1, "days")


def test_the_task_retries_when_the_database_fails(settings, monkeypatch):
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise DatabaseError("server closed the connection unexpectedly")
        return 5

    monkeypatch.setattr("apps.audit.tasks.audit_prune", flaky)
    assert prune_audit_trail.apply().get() == 5  # eager: Celery retries at once rather than after the backoff
    assert len(calls) == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the pruner's permission is a PostgreSQL trigger setting")
def test_the_pruners_permission_ends_with_its_chunk(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    events_aged(45, 2)
    events_aged(1, 1)
    assert audit_prune() == 2
    survivor = AuditEvent.objects.exclude(actor_name="system").get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [survivor.pk])
