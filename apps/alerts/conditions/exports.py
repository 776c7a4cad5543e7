"""Batch exports' conditions, from the runs the export-runs poller keeps (BatchExportRunRecord).

Values (Alert.values) by kind:
- export_failed: {"status": the newest finished run's, "run_id", "failed_at"};
- export_overdue: {"last_success_at" (None: none stored), "interval_minutes", "count", "overdue_minutes"}.

The runs PostHog lists are the last seven days' (FORGOTTEN_AFTER): an export without a run in them is not judged.
A paused export has no new runs, and the runs say nothing of pausing: a rule of "no successful run for its interval
× N" fires for a paused export too, which is what it says.
"""

from datetime import datetime, timedelta

from django.db.models import Max, Min, Q
from django.db.models.functions import Coalesce

from apps.alerts.conditions import Finding, covers, iso, page_of, scoped
from apps.alerts.models import AlertRule
from apps.batch_exports.selectors import ACTIVE, FAILED
from apps.history.models import BatchExportRunRecord
from apps.history.selectors.health import FORGOTTEN_AFTER

BATCH_EXPORT = AlertRule.ItemType.BATCH_EXPORT
COMPLETED = "Completed"


def export_failed(rule: AlertRule, now: datetime) -> list[Finding]:
    """The export's newest finished run failed. It opens an episode only when that run ended in the last `minutes`
    (a failure the poller just caught up on from days ago is history, not news), and keeps it open until a later run
    finishes without failing. Two queries."""
    if not covers(rule, BATCH_EXPORT):
        return []
    runs = _runs(rule, now).exclude(status__in=ACTIVE)
    newest = dict(runs.values("export_id").annotate(newest=Max("created_at")).values_list("export_id", "newest"))
    if not newest:
        return []
    since = now - timedelta(minutes=rule.minutes)
    findings = []
    for export_id, name, project, run_id, status, error, created, finished in runs.filter(
        export_id__in=list(newest), created_at__in=set(newest.values()), status__in=FAILED
    ).values_list("export_id", "export_name", "project_id", "run_id", "status", "error", "created_at", "finished_at"):
        if created != newest[export_id]:
            continue  # a run of another export created at the same moment
        failed_at = finished or created
        findings.append(
            Finding(
                subject=f"batch_export:{project}:{export_id}",
                subject_name=name or f"Batch export {export_id[:8]}",
                link=page_of("batch_exports:detail", export_id),
                started_at=failed_at,
                values={"status": status, "run_id": run_id, "failed_at": iso(failed_at)},
                message=error,
                opens=since < failed_at <= now,
            )
        )
    return findings


def export_overdue(rule: AlertRule, now: datetime) -> list[Finding]:
    """No run of the export completed for longer than its interval (its newest run's data interval) × `count`.
    Without a completed run among those stored, the oldest stored run stands for "not since". Two queries."""
    if not covers(rule, BATCH_EXPORT):
        return []
    times = max(1, rule.count or 1)
    runs = _runs(rule, now)
    grouped = {
        row[0]: row[1:]
        for row in runs.values("export_id")
        .annotate(
            last_ok=Max(Coalesce("finished_at", "created_at"), filter=Q(status=COMPLETED)),
            newest=Max("created_at"),
            oldest=Min("created_at"),
            name=Max("export_name"),
            project=Max("project_id"),
        )
        .values_list("export_id", "last_ok", "newest", "oldest", "name", "project")
    }
    if not grouped:
        return []
    newest_runs = {}
    for export_id, created, start, end, error in runs.filter(
        export_id__in=list(grouped), created_at__in={row[1] for row in grouped.values()}
    ).values_list("export_id", "created_at", "data_interval_start", "data_interval_end", "error"):
        if created == grouped[export_id][1]:
            newest_runs[export_id] = (start, end, error)
    findings = []
    for export_id, (last_ok, _, oldest, name, project) in grouped.items():
        start, end, error = newest_runs.get(export_id, (None, None, ""))
        if start is None or end is None or end <= start:
            continue  # its interval is unknown: nothing to measure "overdue" by
        interval = end - start
        since = last_ok or oldest
        due = since + interval * times
        if due >= now:
            continue
        findings.append(
            Finding(
                subject=f"batch_export:{project}:{export_id}",
                subject_name=name or f"Batch export {export_id[:8]}",
                link=page_of("batch_exports:detail", export_id),
                started_at=due,
                values={
                    "last_success_at": iso(last_ok),
                    "interval_minutes": round(interval.total_seconds() / 60),
                    "count": times,
                    "overdue_minutes": round((now - since).total_seconds() / 60),
                },
                message=error,
            )
        )
    return findings


def _runs(rule: AlertRule, now: datetime):
    return scoped(
        BatchExportRunRecord.objects.filter(created_at__gte=now - FORGOTTEN_AFTER, created_at__lte=now),
        rule,
        item_field="export_id",
        item_type=BATCH_EXPORT,
    )
