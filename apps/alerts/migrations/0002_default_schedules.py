"""The alerts' default django-celery-beat schedules (see apps/alerts/schedules.py)."""

from django.db import migrations

from apps.alerts.schedules import schedules_ensure


def _ensure(apps, schema_editor):
    schedules_ensure(
        periodic_task_model=apps.get_model("django_celery_beat", "PeriodicTask"),
        interval_model=apps.get_model("django_celery_beat", "IntervalSchedule"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0001_rules_channels_alerts_deliveries"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    # Going back leaves the schedules: an Admin may have edited them, and going forward again keeps them.
    operations = [migrations.RunPython(_ensure, migrations.RunPython.noop)]
