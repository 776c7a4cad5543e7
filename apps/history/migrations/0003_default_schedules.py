"""The pollers' default django-celery-beat schedules (see apps/history/schedules.py)."""

from django.db import migrations

from apps.history.schedules import schedules_ensure


def _ensure(apps, schema_editor):
    schedules_ensure(
        periodic_task_model=apps.get_model("django_celery_beat", "PeriodicTask"),
        interval_model=apps.get_model("django_celery_beat", "IntervalSchedule"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("history", "0002_log_message_search"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    # Going back leaves the schedules: an Admin may have edited them, and going forward again keeps them.
    operations = [migrations.RunPython(_ensure, migrations.RunPython.noop)]
