"""The audit pruner's default django-celery-beat schedule: daily."""

from django.db import migrations

NAME = "Prune audit trail"
TASK = "apps.audit.tasks.prune_audit_trail"


def _ensure(apps, schema_editor):
    periodic_tasks = apps.get_model("django_celery_beat", "PeriodicTask").objects
    if periodic_tasks.filter(name=NAME).exists() or periodic_tasks.filter(task=TASK).exists():
        return
    intervals = apps.get_model("django_celery_beat", "IntervalSchedule").objects
    # Intervals are not unique in django-celery-beat: reuse the first equal one.
    daily = intervals.filter(every=1, period="days").order_by("pk").first() or intervals.create(every=1, period="days")
    periodic_tasks.create(
        name=NAME,
        task=TASK,
        interval=daily,
        description="Deletes audit events older than AUDIT_RETENTION_DAYS (0 keeps them for ever) and audits that.",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_append_only_trigger"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    # Going back leaves the schedule: an Admin may have edited it, and going forward again keeps it.
    operations = [migrations.RunPython(_ensure, migrations.RunPython.noop)]
