"""Nobody changes or deletes audit events: not the ORM, not a queryset, not Django's admin, not raw SQL on
PostgreSQL. Deleting a user or a connection still works, and their events stay."""

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from apps.audit.models import AppendOnlyError, AuditEvent
from apps.audit.services import audit_record_local
from apps.connections.services import connection_delete

pytestmark = pytest.mark.django_db
POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the database-level guard is a PostgreSQL trigger; SQLite (the embedded default) has none, so raw SQL "
    "is only refused there (run with DATABASE_URL=postgres://... to test it)",
)


@pytest.fixture
def event(operator):
    return audit_record_local(
        actor=operator, area="plugins", object_id="4", method="PATCH", description="renamed", after={"name": "A"}
    )


def test_the_orm_refuses_to_change_or_delete_an_event(event):
    event.actor_name = "someone-else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(actor_name="someone-else")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["actor_name"])
    assert AuditEvent.objects.get(pk=event.pk).actor_name == "otto-operator"


def test_the_admin_shows_events_read_only_even_to_a_superuser(event, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", password="x")
    request = RequestFactory().get("/admin/audit/auditevent/")
    request.user = superuser
    model_admin = admin.site._registry[AuditEvent]

    assert model_admin.has_view_permission(request, event)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert "delete_selected" not in model_admin.get_actions(request)


@POSTGRES_ONLY
def test_postgresql_refuses_raw_updates_and_deletes(event):
    for sql in (
        "UPDATE audit_auditevent SET actor_name = 'mallory' WHERE id = %s",
        "UPDATE audit_auditevent SET actor_id = NULL, error = 'hidden' WHERE id = %s",  # nulling plus a change
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert (event.actor_name, event.error) == ("otto-operator", "")


@POSTGRES_ONLY
def test_postgresql_lets_only_the_pruner_delete(event):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('portal.audit_prune', 'on', true)")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
        cursor.execute("SELECT set_config('portal.audit_prune', 'off', true)")
    assert not AuditEvent.objects.filter(pk=event.pk).exists()


def test_deleting_a_user_keeps_their_events_under_their_name(event, operator):
    operator.delete()

    event.refresh_from_db()
    assert event.actor is None and event.actor_name == "otto-operator" and event.after == {"name": "A"}


def test_deleting_a_connection_keeps_its_events_under_its_name(demo_connection, admin_user, operator):
    from apps.connections.services import client_for

    client_for(connection=demo_connection, actor=operator).patch(
        "/api/projects/1/plugin_configs/1/", json={"enabled": True}
    )
    written = AuditEvent.objects.get(area="plugin_configs")

    connection_delete(actor=admin_user, connection=demo_connection)

    written.refresh_from_db()
    assert written.connection is None and written.connection_name == "Simulator" and written.actor == operator
    deletion = AuditEvent.objects.get(area="connections", method="DELETE")
    assert deletion.connection is None and deletion.path == "deleted connection 'Simulator'"
