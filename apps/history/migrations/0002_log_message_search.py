"""On PostgreSQL, a trigram index makes the log explorer's text search (`icontains`) use an index."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS log_message_trgm ON history_pluginlogentry USING gin (message gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS log_message_trgm"]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("history", "0001_history")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
