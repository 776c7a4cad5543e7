"""Events recorded before verbs and names were get theirs, from what each kept (method, path, body, states), so the
whole trail reads as sentences and its verb and name filters find old rows too.

Only these two derived columns are written; nothing an event recorded changes. On PostgreSQL the append-only
trigger of 0003 refuses every UPDATE, so it is switched off for this table for the length of this migration's
transaction only (an error rolls the switch back with the rest).
"""

from django.db import migrations

from apps.audit.actions import event_action
from apps.audit.naming import object_name_of

BATCH = 1000
TRIGGER = "audit_auditevent_append_only"


def _fill(apps, schema_editor):
    event_model = apps.get_model("audit", "AuditEvent")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {TRIGGER}")
    unnamed = event_model.objects.filter(action="").order_by("pk")
    fields = ("area", "method", "path", "request_body", "before", "after")
    batch = []
    for event in unnamed.only(*fields).iterator(chunk_size=BATCH):
        prune = event.area == "audit" and event.method == "DELETE"
        event.action = "prune" if prune else event_action(
            action="", method=event.method, path=event.path, area=event.area, body=event.request_body
        )
        event.object_name = object_name_of(
            area=event.area, before=event.before, after=event.after, body=event.request_body
        )
        batch.append(event)
        if len(batch) == BATCH:
            event_model.objects.bulk_update(batch, ["action", "object_name"])
            batch.clear()
    if batch:
        event_model.objects.bulk_update(batch, ["action", "object_name"])
    if postgres:
        schema_editor.execute(f"ALTER TABLE audit_auditevent ENABLE TRIGGER {TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_event_action_and_object_name")]

    # Going back drops the columns (0006); nothing to undo here.
    operations = [migrations.RunPython(_fill, migrations.RunPython.noop)]
