"""The history pages: polling status, delivery-rate charts and the explorer over stored plugin logs.

They read the portal's own database (what the pollers stored). The one thing asked of PostHog is the annotations
a delivery chart marks, in a single request the chart does without when it fails.
"""

import csv
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import import_module

from celery.result import EagerResult
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_celery_beat.models import PeriodicTask
from kombu.exceptions import OperationalError as BrokerError

from apps.annotations.selectors import annotation_chart_list
from apps.core.csv_export import Echo, csv_safe
from apps.core.http import htmx_redirect
from apps.core.pages import posthog_page
from apps.core.roles import ADMINISTER, OPERATE, VIEW
from apps.history import charts, last_errors, selectors
from apps.history.forms import CHART_RANGE_LABELS, DeliveryRangeForm, LogExplorerForm, ScheduleForm, interval_words
from apps.history.models import PluginLogEntry
from apps.plugins.presenters import LogRow
from apps.posthog.errors import PostHogError
from portal.celery import app as celery_app

OVERVIEW_DAYS = 7
LOG_PAGE_SIZE = 100
GAP_FACTOR = 2.5  # a line breaks after 2.5 expected intervals without a snapshot
HOURLY_MAX_GAP = timedelta(hours=1) * GAP_FACTOR
# PostHog's badge colours: green from 99 %, yellow from 75 %.
DELIVERY_THRESHOLDS = ((0.99, "good"), (0.75, "warn"))
CSV_COLUMNS = ["timestamp", "config_id", "config_name", "type", "source", "message", "instance_id", "entry_id"]
# Polling status


@require_GET
@permission_required(VIEW, raise_exception=True)
def status(request):
    status = selectors.poll_status()
    return render(request, "history/status.html", {"status": status, "kinds": status.kinds})


@require_GET
@permission_required(VIEW, raise_exception=True)
def status_runs(request):
    """The runs tables alone, for the page's refresh every 10 seconds."""
    runs = selectors.poll_runs_recent()
    kinds = [selectors.KindStatus(task, [], runs[kind]) for kind, task in selectors.HISTORY_TASKS.items()]
    return render(request, "history/status.html#runs", {"kinds": kinds})


@require_POST
@permission_required(OPERATE, raise_exception=True)
def poll_now(request, kind: str):
    """Queue the kind's task now (in the embedded default it runs before this answers); it records its own run."""
    history_task = selectors.HISTORY_TASKS.get(kind)
    if history_task is None:
        raise Http404("No such polling task")
    task = _celery_task(history_task.name)
    if task is None:
        messages.error(
            request, f"The task {history_task.name} is not installed in this portal yet, so nothing was polled."
        )
        return htmx_redirect(request, "history:status")
    try:
        result = task.delay()
    except BrokerError:
        messages.error(request, "The task could not be queued: the broker (Redis) does not answer.")
        return htmx_redirect(request, "history:status")
    if isinstance(result, EagerResult) and result.failed():
        messages.error(request, f"{history_task.doing} failed: see its run below.")
    else:
        messages.success(request, history_task.doing)
    return htmx_redirect(request, "history:status")


@require_http_methods(["GET", "POST"])
@permission_required(ADMINISTER, raise_exception=True)
def schedule_edit(request, task_id: int):
    kinds = {task.name: kind for kind, task in selectors.HISTORY_TASKS.items()}
    periodic_task = get_object_or_404(PeriodicTask.objects.select_related("interval"), pk=task_id, task__in=kinds)
    schedule = selectors.Schedule(periodic_task, kinds[periodic_task.task])
    form = ScheduleForm(request.POST or None, schedule=schedule)
    if request.method == "POST" and form.is_valid():
        form.save(actor=request.user)
        messages.success(request, f"Schedule “{periodic_task.name}” saved.")
        return htmx_redirect(request, "history:status")
    return render(request, "history/schedule_form.html", {"form": form, "schedule": schedule})


def _celery_task(name: str):
    """The task registered under `name`, or None. A web process has not imported the tasks modules (a worker
    does at start), so the history tasks are imported here first; without apps/history/tasks.py there are none."""
    try:
        import_module("apps.history.tasks")
    except ModuleNotFoundError as error:
        if error.name != "apps.history.tasks":
            raise
    return celery_app.tasks.get(name)


# Delivery rates


@dataclass(frozen=True)
class OverviewRow:
    config: selectors.ConfigDelivery
    sparkline: charts.LineChart
    title: str
    average: str


@require_GET
@posthog_page(VIEW)
def delivery_overview(request):
    now = timezone.now()
    since = (now - timedelta(days=OVERVIEW_DAYS)).replace(minute=0, second=0, microsecond=0)
    configs = selectors.delivery_overview(**_scope(request), since=since, until=now)
    # One axis for every row, so the sparklines compare; zoomed when all rates stay high.
    floor = charts.axis_floor([point.rate for config in configs for point in config.hours])
    rows = [
        OverviewRow(
            config=config,
            sparkline=charts.line_chart(
                config.hours,
                since=since,
                until=now,
                max_gap=timedelta(hours=selectors.OVERVIEW_BUCKET_HOURS) * GAP_FACTOR,
                observed_until=now,
                frame=charts.SPARKLINE,
                y_min=floor,
                thresholds=DELIVERY_THRESHOLDS,
                axes=False,
                hover=False,
            ),
            title=f"Delivery rate of {config.name or 'this config'} over the last {OVERVIEW_DAYS} days, in 3-hour averages",
            average=charts.percent(config.average) if config.average is not None else "",
        )
        for config in configs
    ]
    context = {"rows": rows, "days": OVERVIEW_DAYS, "axis_floor": f"{floor * 100:.0f} %"}
    return render(request, "history/delivery_overview.html", context)


@require_GET
@posthog_page(VIEW)
def delivery_config(request, config_id: int):
    now = timezone.now()
    scope = {**_scope(request), "plugin_config_id": config_id}
    form = DeliveryRangeForm(request.GET)
    since, until = form.bounds(now=now) if form.is_valid() else (now - timedelta(days=1), now)
    series = selectors.delivery_series(**scope, since=since, until=until)
    interval = selectors.delivery_interval()
    chart = charts.line_chart(
        [
            charts.Point(
                point.at,
                point.rate,
                HOURLY_MAX_GAP if point.hourly else None,
                "hourly average" if point.hourly else "",
            )
            for point in series
        ],
        since=since,
        until=until,
        max_gap=interval * GAP_FACTOR,
        observed_until=now,
        y_min=charts.axis_floor([point.rate for point in series]),
        thresholds=DELIVERY_THRESHOLDS,
    )
    name = selectors.delivery_config_name(**scope)
    summary = _summary(series)
    flags, flags_error = _annotation_flags(request, since, until) if not chart.empty else ([], "")
    context = {
        "config_id": config_id,
        "name": name or f"Config {config_id}",
        "known": bool(name) or bool(series),
        "form": form,
        "range": (form.cleaned_data.get("range") or "24h") if form.is_valid() and not form.custom else "",
        "since": since,
        "until": until,
        "ranges": CHART_RANGE_LABELS.items(),
        "interval_label": interval_words(interval),
        "chart": chart,
        "chart_title": f"Delivery rate of {name or f'config {config_id}'} from {since:%Y-%m-%d %H:%M} to {until:%Y-%m-%d %H:%M} UTC",
        "summary": summary,
        "average": charts.percent(summary.average) if summary.average is not None else "",
        "changes": selectors.delivery_enabled_changes(**scope),
        "flags": flags,
        "flags_error": flags_error,
    }
    return render(request, "history/delivery_config.html", context)


def _annotation_flags(request, since: datetime, until: datetime) -> tuple[list[charts.Flag], str]:
    """The project's annotations as flags on the chart; when PostHog cannot answer, none and why."""
    try:
        annotations = annotation_chart_list(context=request.posthog, since=since, until=until)
    except PostHogError as error:
        return [], error.user_message
    moments = [
        (
            annotation.at,
            f"{annotation.content} ({annotation.created_by})" if annotation.created_by else annotation.content,
        )
        for annotation in annotations
    ]
    return charts.flags(moments, since=since, until=until), ""


@dataclass(frozen=True)
class RangeSummary:
    snapshots: int
    latest: float | None
    lowest: float | None
    average: float | None
    without_metrics: int


def _summary(series: list[selectors.DeliveryPoint]) -> RangeSummary:
    rates = [point.rate for point in series if point.rate is not None]
    return RangeSummary(
        snapshots=len(series),
        latest=series[-1].rate if series else None,
        lowest=min(rates) if rates else None,
        average=sum(rates) / len(rates) if rates else None,
        without_metrics=len(series) - len(rates),
    )


# Logs


@dataclass(frozen=True)
class ExplorerRow:
    log: LogRow  # the plugin logs page's row: its time label, type class and long-message summary
    config_id: int
    config_name: str


@require_GET
@posthog_page(VIEW)
def logs(request):
    scope = _scope(request)
    configs = selectors.log_configs(**scope)
    form = LogExplorerForm(request.GET, configs=configs)
    context = {"form": form, "configs": configs}
    if form.is_valid():
        entries, next_cursor = selectors.log_explorer_page(
            **scope, **form.filters(), cursor=form.cleaned_data["cursor"], limit=LOG_PAGE_SIZE
        )
        context.update(
            rows=[_explorer_row(entry, configs) for entry in entries],
            older_url=f"?{form.query(cursor=next_cursor)}" if next_cursor else "",
            newest_url=f"?{form.query()}" if form.cleaned_data["cursor"] else "",
            csv_url=f"{reverse('history:logs_csv')}?{form.query()}",
            config_url=f"?{form.query(without=('config',))}&config=",
        )
    return render(request, "history/logs.html", context)


@require_GET
@posthog_page(VIEW)
def logs_csv(request):
    """Every entry of the current filter, streamed in chunks from a server-side cursor: never all in memory."""
    scope = _scope(request)
    configs = selectors.log_configs(**scope)
    form = LogExplorerForm(request.GET, configs=configs)
    if not form.is_valid():
        return HttpResponseBadRequest("These filters are not valid; go back to the log explorer and fix them.")
    filters = form.filters()
    entries = selectors.log_explorer_entries(**scope, **filters).values_list(
        "timestamp", "plugin_config_id", "type", "source", "message", "instance_id", "entry_id"
    )
    writer = csv.writer(Echo())

    def lines():
        yield writer.writerow(CSV_COLUMNS)
        for at, config_id, kind, source, message, instance_id, entry_id in entries.iterator(chunk_size=2000):
            cells = [at.astimezone(UTC).isoformat(), config_id, configs.get(config_id, ""), kind, source, message]
            yield writer.writerow([csv_safe(cell) for cell in [*cells, instance_id, entry_id]])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_csv_filename(filters)}"'
    return response


def _csv_filename(filters: dict) -> str:
    def stamp(at: datetime | None, default: str) -> str:
        return at.astimezone(UTC).strftime("%Y%m%dT%H%MZ") if at else default

    config = f"-config-{filters['plugin_config_id']}" if filters["plugin_config_id"] is not None else ""
    return f"plugin-logs{config}_{stamp(filters['after'], 'start')}_to_{stamp(filters['before'], 'now')}.csv"


def _explorer_row(entry: PluginLogEntry, configs: dict[int, str]) -> ExplorerRow:
    log = LogRow(
        id=entry.entry_id,
        timestamp=entry.timestamp.isoformat(),
        at=entry.timestamp,
        type=entry.type,
        source=entry.source,
        message=entry.message,
        instance_id=entry.instance_id,
    )
    name = configs.get(entry.plugin_config_id) or f"Config {entry.plugin_config_id}"
    return ExplorerRow(log, entry.plugin_config_id, name)


def _scope(request) -> dict:
    """The current connection and project, picked in the switcher."""
    return {"connection_id": request.posthog.connection.pk, "project_id": request.posthog.project_id}


# The plugin config list's last errors, from the stored logs


MAX_LAST_ERRORS = 500


@require_GET
@posthog_page(VIEW)
def config_last_errors(request):
    """Out-of-band cells of the config list (apps/plugins): each config's newest stored ERROR entry."""
    ids = [int(value) for value in request.GET.getlist("config") if value.isdigit()][:MAX_LAST_ERRORS]
    errors = last_errors.config_last_errors(
        connection_id=request.posthog.connection.pk, project_id=request.posthog.project_id, config_ids=ids
    )
    return render(request, "history/last_errors.html", {"errors": errors})
