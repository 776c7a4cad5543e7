"""Hog function run counts: every watched hog function's runs by UTC hour (succeeded, failed, filtered), one row per
function and hour, kept after PostHog's app metrics forget them.

PostHog serves app metrics one function at a time (posthog/api/app_metrics2.py AppMetricsMixin.metrics): a poll
asks each function PostHog runs (not site apps, which run in browsers and have none) for the last
LOOKBACK by the hour, and writes each hour's counts over what an earlier poll stored of it, so the hour still going
is counted again and a retried poll changes nothing. PostHog buckets the counts in UTC (ClickHouse's
toStartOfInterval) under labels that follow the team's time zone; the labels are read as the UTC hours the counts
belong to, and hours to come (a zone east of UTC) are left out.
"""

from datetime import UTC, datetime

from django.utils import timezone

from apps.connections.models import Connection
from apps.history.hog_logs import hog_functions_listed
from apps.history.models import HogFunctionMetricSnapshot
from apps.history.polling import BudgetedReader, BudgetSpent, poll_client, target_context
from apps.history.results import PollResult
from apps.history.targets import PROJECT_REFUSALS, in_turn
from apps.hog_functions.selectors import HogFunction, MetricSeries, hog_function_metrics
from apps.posthog.errors import NotFound

LOOKBACK = "24h"  # hog_functions.selectors.health.RANGES: by the hour
LABEL_FORMAT = "%Y-%m-%dT%H:%M"


def hog_metrics_take(*, connection: Connection, now: datetime | None = None) -> PollResult:
    """Store the hourly run counts of every measured hog function of the watched projects, functions of each
    project in turn. A function PostHog no longer has is skipped; a project it refuses is said in the result."""
    now = now or timezone.now()
    result = PollResult()
    reader = BudgetedReader(client=poll_client(connection=connection), connection=connection, result=result)
    listed = hog_functions_listed(connection=connection, reader=reader, result=result, kind="hog_metrics")
    queues = [[(target, function) for function in functions if function.measured] for target, functions in listed]
    for target, function in in_turn(queues):
        context = target_context(connection=connection, target=target, reader=reader)
        try:
            series = hog_function_metrics(context=context, function_id=function.id, range_key=LOOKBACK)
        except BudgetSpent:
            break
        except NotFound:
            continue  # deleted since it was listed
        except PROJECT_REFUSALS as error:
            result.errors.append(f"{function.label}: {error.user_message}")
            continue
        result.items_stored += metric_hours_store(
            connection=connection, project_id=target.project_id, function=function, series=series, now=now
        )
    return result


def metric_hours_store(
    *, connection: Connection, project_id: str, function: HogFunction, series: MetricSeries, now: datetime
) -> int:
    """Write the series' hours over the stored ones; how many rows were new or changed."""
    rows = {}
    for index, label in enumerate(series.labels):
        hour = _hour(label)
        if hour is None or hour > now:
            continue
        rows[hour] = HogFunctionMetricSnapshot(
            connection=connection,
            project_id=project_id,
            function_id=function.id,
            function_name=function.label[:400],
            function_type=function.type[:40],
            hour=hour,
            succeeded=series.succeeded[index],
            failed=series.failed[index],
            filtered=series.filtered[index],
            taken_at=now,
        )
    stored = {
        row[0]: row[1:]
        for row in HogFunctionMetricSnapshot.objects.filter(
            connection=connection, project_id=project_id, function_id=function.id, hour__in=list(rows)
        ).values_list("hour", "succeeded", "failed", "filtered", "function_name")
    }
    changed = [
        row
        for hour, row in rows.items()
        if stored.get(hour) != (row.succeeded, row.failed, row.filtered, row.function_name)
    ]
    HogFunctionMetricSnapshot.objects.bulk_create(
        changed,
        update_conflicts=True,
        unique_fields=["connection", "project_id", "function_id", "hour"],
        update_fields=["succeeded", "failed", "filtered", "function_name", "function_type", "taken_at"],
    )
    return len(changed)


def _hour(label: str) -> datetime | None:
    try:
        return datetime.strptime(label[:16], LABEL_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None
