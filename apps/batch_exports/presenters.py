"""What the batch export pages show that is neither a read nor a write: statuses, intervals and destinations in
words, a destination's settings as rows, and links to PostHog's own pages."""

import json
from dataclasses import dataclass
from datetime import datetime

from apps.batch_exports.selectors import BatchExport, Run
from apps.connections.capabilities import Refusal, Unavailable
from apps.connections.context import PostHogContext
from apps.connections.models import Capability
from apps.posthog.actions import BATCH_EXPORT_PAGE

# BatchExportRun.Status: (words, badge class).
STATUSES = {
    "Completed": ("Completed", "badge-on"),
    "Running": ("Running", "badge-running"),
    "Starting": ("Starting", "badge-running"),
    "Failed": ("Failed", "badge-failed"),
    "FailedRetryable": ("Failed (retryable)", "badge-failed"),
    "FailedBilling": ("Failed: billing limit", "badge-failed"),
    "Terminated": ("Terminated", "badge-failed"),
    "TimedOut": ("Timed out", "badge-failed"),
    "Cancelled": ("Cancelled", "badge-warn"),
    "ContinuedAsNew": ("Continued", "badge-muted"),
}
INTERVALS = {
    "hour": "Every hour",
    "day": "Every day",
    "week": "Every week",
    "every 5 minutes": "Every 5 minutes",
    "every 15 minutes": "Every 15 minutes",
}
# How a run's interval is named in a sentence ("one per hour").
INTERVAL_UNITS = {
    "hour": "hour",
    "day": "day",
    "week": "week",
    "every 5 minutes": "5 minutes",
    "every 15 minutes": "15 minutes",
}
DESTINATIONS = {
    "S3": "Amazon S3",
    "AwsS3": "Amazon S3",
    "S3Compatible": "S3-compatible storage",
    "BigQuery": "BigQuery",
    "Snowflake": "Snowflake",
    "Postgres": "PostgreSQL",
    "Redshift": "Redshift",
    "Databricks": "Databricks",
    "AzureBlob": "Azure Blob Storage",
    "HTTP": "HTTP (PostHog)",
    "NoOp": "No-op (testing)",
}


@dataclass(frozen=True)
class Status:
    label: str
    badge: str


@dataclass(frozen=True)
class Setting:
    key: str
    value: str


@dataclass(frozen=True)
class ActionWords:
    """What a button's toast says: `done` when PostHog says it did it, `unsure` when its answer does not say."""

    done: str
    unsure: str


ACTION_WORDS = {
    "pause": ActionWords(
        "Paused: PostHog starts no run of this export until it is unpaused.",
        "PostHog answered without saying the export is paused: its state is shown below.",
    ),
    "unpause": ActionWords(
        "Unpaused: PostHog runs this export again from its next interval. What it skipped while paused is exported "
        "only by a backfill.",
        "PostHog answered without saying the export runs again: its state is shown below.",
    ),
    "retry": ActionWords(
        "Retry started: PostHog exports {interval} again, as a new run.",
        "PostHog answered without the backfill that retries {interval}: check the runs below.",
    ),
    "cancel": ActionWords(
        "Cancelled the run of {interval}: that interval is not exported unless it is retried.",
        "PostHog answered without saying the run of {interval} is cancelled: check the runs below.",
    ),
}


def run_status(status: str) -> Status:
    label, badge = STATUSES.get(status, (status or "Unknown", "badge-muted"))
    return Status(label, badge)


def interval_label(interval: str) -> str:
    return INTERVALS.get(interval, interval.capitalize() or "Unknown")


def destination_label(kind: str) -> str:
    return DESTINATIONS.get(kind, kind or "Unknown")


def destination_target(export: BatchExport) -> str:
    """Where the export writes, in a few words (bucket, table…), from the settings PostHog shows."""
    config = export.config
    if export.destination_type in ("S3", "AwsS3", "S3Compatible"):
        region = f" ({config['region']})" if config.get("region") else ""
        return f"{config.get('bucket_name') or '?'}{region}"
    if export.destination_type == "BigQuery":
        return ".".join(str(config.get(key) or "?") for key in ("project_id", "dataset_id", "table_id"))
    if export.destination_type in ("Snowflake", "Postgres", "Redshift"):
        table = ".".join(str(config.get(key) or "?") for key in ("database", "schema", "table_name"))
        return f"{table} on {config['host']}" if config.get("host") else table
    return ""


def settings(export: BatchExport) -> list[Setting]:
    """The destination's settings as rows; lists and objects as JSON. PostHog leaves credentials out of them."""
    return [
        Setting(key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
        for key, value in sorted(export.config.items())
        if value not in (None, "", [], {})
    ]


def failed_of_latest(export: BatchExport) -> int:
    """How many of the runs PostHog sends with the export (its ten latest) failed."""
    return sum(1 for run in export.latest_runs if run.failed)


def interval_text(run: Run) -> str:
    """`2026-12-06 09:00 – 10:00 UTC` (dates repeated when the interval spans days)."""
    start, end = run.data_interval_start, run.data_interval_end
    if end is None:
        return "unknown interval"
    if start is None:
        return f"up to {_utc(end)} UTC"
    if start.date() == end.date():
        return f"{_utc(start)} – {end.strftime('%H:%M')} UTC"
    return f"{_utc(start)} – {_utc(end)} UTC"


def backfill_preview(*, runs: int | None, interval: str, start: datetime, end: datetime) -> str:
    """What a backfill will do, said before it is sent (`runs` None: an interval this portal cannot count by)."""
    again = f"exporting {_utc(start)} to {_utc(end)} UTC again"
    duplicates = "Rows already exported may be written a second time, depending on the destination."
    if runs is None:
        return f"PostHog will start runs {again}. {duplicates}"
    unit = INTERVAL_UNITS.get(interval, interval)
    return f"PostHog will make {runs} run{'' if runs == 1 else 's'}, one per {unit}, {again}. {duplicates}"


def app_url(context: PostHogContext, export_id: str) -> str:
    """This export's page in PostHog's app."""
    host = context.connection.host.rstrip("/") if context.connection else ""
    return host + BATCH_EXPORT_PAGE.format(project=context.project_id, export=export_id)


def backfill_refusal(unavailable: Unavailable) -> Refusal | None:
    """Why backfilling is unavailable here, or None. A PostHog without the backfills endpoint (2024's) backfills
    through the export's own `backfill` action, so only a refusal of that one counts then."""
    newer = unavailable.batch_export_backfills
    if newer is None or newer.state != Capability.RETIRED:
        return newer
    return unavailable.batch_export_backfill


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")
