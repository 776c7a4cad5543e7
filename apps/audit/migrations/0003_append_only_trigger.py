"""On PostgreSQL the database itself refuses to change or delete audit events, whatever SQL reaches it.

Two things get through: an UPDATE that only nulls `actor_id` / `connection_id` (Django's SET_NULL when a user or
connection is deleted; the names stay as text), and a DELETE in a transaction where the retention pruner has set
`portal.audit_prune` to 'on' (apps/audit/prune.py). SQLite, the embedded default, has no such guard; the
model and its default manager refuse there too.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('portal.audit_prune', true) = 'on' THEN
            RETURN OLD;
        END IF;
    ELSIF (to_jsonb(NEW) - 'actor_id' - 'connection_id') = (to_jsonb(OLD) - 'actor_id' - 'connection_id')
        AND (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id)
        AND (NEW.connection_id IS NULL OR NEW.connection_id = OLD.connection_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % of audit event % refused', TG_OP, OLD.id
        USING HINT = 'Old events are removed only by the retention pruner.';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_append_only();
"""


def _run(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # the SQL has % of its own: no placeholders

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_event_time_indexes")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
