from django.conf import settings
from django.db import migrations, models


def _mark_first_default(apps, schema_editor):
    """An install upgraded with connections gets the oldest one (by creation, never by name) as its default."""
    Connection = apps.get_model("connections", "Connection")
    if Connection.objects.filter(is_default=True).exists():
        return
    # Only the primary key is read: loading a row would decrypt its key, which this needs no more than it needs
    # FIELD_ENCRYPTION_KEYS to be right.
    first = Connection.objects.order_by("pk").values_list("pk", flat=True).first()
    if first is not None:
        Connection.objects.filter(pk=first).update(is_default=True)


class Migration(migrations.Migration):
    dependencies = [
        ("connections", "0003_watched_projects"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="connection",
            name="is_default",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddConstraint(
            model_name="connection",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_default", True)), fields=("is_default",), name="at_most_one_default_connection"
            ),
        ),
        migrations.RunPython(_mark_first_default, migrations.RunPython.noop),
    ]
