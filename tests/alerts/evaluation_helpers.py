"""What the pollers would have stored, written straight to the history tables, for the condition and evaluation
tests: delivery snapshots, log entries, export runs, activity, poll runs."""

from datetime import datetime, timedelta
from itertools import count

from django.utils import timezone

from apps.alerts.models import AlertRule
from apps.history.models import (
    ActivitySnapshot,
    BatchExportRunRecord,
    DeliverySnapshot,
    HogFunctionLogEntry,
    HogFunctionMetricSnapshot,
    LogCursor,
    PluginLogEntry,
    PollRun,
)

NOW = timezone.now().replace(microsecond=0)
EXPORT = "0190f2a1-0000-7000-8000-00000000e001"
FUNCTION = "0190f2a1-0000-7000-8000-00000000f001"
_ids = count(1)


def rule_of(connection, kind: str, **fields) -> AlertRule:
    fields.setdefault("name", f"{kind} rule")
    return AlertRule.objects.create(connection=connection, kind=kind, **fields)


def rates(connection, config_id: int, *values: float | None, every_minutes=5, name="S3 Export", newest=NOW, **extra):
    """Delivery-rate snapshots of a config, the last at `newest`, one every `every_minutes` before it."""
    LogCursor.objects.get_or_create(
        connection=connection, project_id=extra.get("project_id", "1"), plugin_config_id=config_id,
        defaults={"config_name": name, "polled_at": NOW},
    )  # fmt: skip
    for n, rate in enumerate(reversed(values)):
        DeliverySnapshot.objects.create(
            connection=connection,
            project_id=extra.get("project_id", "1"),
            plugin_config_id=config_id,
            config_name=name,
            taken_at=newest - timedelta(minutes=every_minutes * n),
            delivery_rate=rate,
            enabled=extra.get("enabled", True),
        )


def log_entries(connection, config_id: int, *, at: datetime, n: int = 1, type="ERROR", message="HTTP 503 from S3"):
    PluginLogEntry.objects.bulk_create(
        PluginLogEntry(
            connection=connection,
            project_id="1",
            plugin_config_id=config_id,
            entry_id=f"e-{next(_ids)}",
            timestamp=at - timedelta(seconds=i),
            source="PLUGIN",
            type=type,
            message=message,
        )
        for i in range(n)
    )


def hog_entries(connection, function_id: str, *, at: datetime, n: int = 1, level="ERROR", message="Timeout"):
    HogFunctionLogEntry.objects.bulk_create(
        HogFunctionLogEntry(
            connection=connection,
            project_id="1",
            function_id=function_id,
            entry_key=f"k-{next(_ids)}",
            timestamp=at - timedelta(seconds=i),
            level=level,
            message=message,
        )
        for i in range(n)
    )


def hog_hour(connection, function_id: str, *, hour: datetime, succeeded: int, failed: int, name="Webhook"):
    HogFunctionMetricSnapshot.objects.create(
        connection=connection, project_id="1", function_id=function_id, function_name=name,
        hour=hour.replace(minute=0, second=0, microsecond=0), succeeded=succeeded, failed=failed, taken_at=NOW,
    )  # fmt: skip


def export_run(connection, *, status: str, created_at: datetime, interval=timedelta(hours=1), error="", export=EXPORT):
    BatchExportRunRecord.objects.create(
        connection=connection,
        project_id="1",
        export_id=export,
        export_name="Nightly S3",
        run_id=f"run-{next(_ids)}",
        status=status,
        data_interval_start=created_at - interval,
        data_interval_end=created_at,
        error=error,
        created_at=created_at,
        finished_at=created_at + timedelta(minutes=2),
        polled_at=NOW,
    )


def activity(connection, *, activity_name: str, at: datetime, item_id="8", audit_event=None, scope="PluginConfig"):
    return ActivitySnapshot.objects.create(
        connection=connection,
        scope=scope,
        activity_id=f"a-{next(_ids)}",
        item_id=item_id,
        activity=activity_name,
        created_at=at,
        user_name="Jane Doe",
        entry={"detail": {"name": "S3 Export"}, "activity": activity_name},
        audit_event=audit_event,
    )


def poll_run(connection, kind: str, *, at: datetime, status: str, error: str = ""):
    return PollRun.objects.create(
        kind=kind, connection=connection, started_at=at, finished_at=at, status=status, error=error
    )
