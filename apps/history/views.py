"""The history pages: polling status, delivery-rate charts and the explorer over stored plugin logs.

They read the portal's own database (what the pollers stored). The one thing asked of PostHog is the annotations
a delivery chart marks, in a single request the chart does without when it fails.
"""

from datetime import timedelta
from typing import TypedDict

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.connections.request import PortalRequest
from apps.core.http import htmx_redirect
from apps.core.pages import posthog_page
from apps.core.roles import ADMINISTER, OPERATE, VIEW
from apps.history import presenters, services
from apps.history.charts import flags
from apps.history.forms import CHART_RANGE_LABELS, DeliveryRangeForm, LogExplorerForm, ScheduleForm
from apps.history.kinds import HISTORY_TASKS
from apps.history.selectors import delivery
from apps.history.selectors import logs as stored_logs
from apps.history.selectors import status as polling
from apps.history.selectors.delivery import ChartMoments

LOG_PAGE_SIZE = 100
MAX_LAST_ERRORS = 500


class _Scope(TypedDict):
    """The connection and project picked in the switcher, as the selectors take them."""

    connection_id: int
    project_id: str


# Polling status


@require_GET
@permission_required(VIEW, raise_exception=True)
def status(request: PortalRequest) -> HttpResponse:
    poll_status = polling.poll_status()
    return render(request, "history/status.html", {"status": poll_status, "kinds": poll_status.kinds})


@require_GET
@permission_required(VIEW, raise_exception=True)
def status_runs(request: PortalRequest) -> HttpResponse:
    """The runs tables alone, for the page's refresh every 10 seconds."""
    return render(request, "history/status.html#runs", {"kinds": polling.poll_kinds_recent()})


@require_POST
@permission_required(OPERATE, raise_exception=True)
def poll_now(request: PortalRequest, kind: str) -> HttpResponse:
    """Queue the kind's task now (in the embedded default it runs before this answers); it records its own run."""
    history_task = HISTORY_TASKS.get(kind)
    if history_task is None:
        raise Http404("No such polling task")
    try:
        services.poll_queue(task=history_task)
    except services.PollNotQueued as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, history_task.doing)
    return htmx_redirect(request, "history:status")


@require_http_methods(["GET", "POST"])
@permission_required(ADMINISTER, raise_exception=True)
def schedule_edit(request: PortalRequest, task_id: int) -> HttpResponse:
    schedule = polling.schedule_get(task_id=task_id)
    if schedule is None:
        raise Http404("No such schedule of a history task")
    form = ScheduleForm(request.POST or None, schedule=schedule)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.schedule_update(
            schedule=schedule, every=data["every"], unit=data["unit"], enabled=data["enabled"], actor=request.user
        )
        messages.success(request, f"Schedule “{schedule.periodic_task.name}” saved.")
        return htmx_redirect(request, "history:status")
    return render(request, "history/schedule_form.html", {"form": form, "schedule": schedule})


# Delivery rates


@require_GET
@posthog_page(VIEW)
def delivery_overview(request: PortalRequest) -> HttpResponse:
    now = timezone.now()
    since = (now - timedelta(days=presenters.OVERVIEW_DAYS)).replace(minute=0, second=0, microsecond=0)
    configs = delivery.delivery_overview(**_scope(request), since=since, until=now)
    overview = presenters.overview_of(configs, since=since, until=now)
    context = {"rows": overview.rows, "days": presenters.OVERVIEW_DAYS, "axis_floor": overview.axis_floor}
    return render(request, "history/delivery_overview.html", context)


@require_GET
@posthog_page(VIEW)
def delivery_config(request: PortalRequest, config_id: int) -> HttpResponse:
    now = timezone.now()
    scope = _scope(request)
    form = DeliveryRangeForm(request.GET)
    since, until = form.bounds(now=now)
    series = delivery.delivery_series(**scope, plugin_config_id=config_id, since=since, until=until)
    interval = delivery.delivery_interval()
    chart = presenters.delivery_chart(series, since=since, until=until, interval=interval, now=now)
    # An empty chart marks nothing: PostHog is not asked.
    annotations = (
        delivery.delivery_annotation_moments(context=request.posthog, since=since, until=until)
        if not chart.empty
        else ChartMoments([])
    )
    name = delivery.delivery_config_name(**scope, plugin_config_id=config_id)
    summary = presenters.range_summary(series)
    context = {
        "config_id": config_id,
        "name": name or f"Config {config_id}",
        "known": bool(name) or bool(series),
        "form": form,
        "range": form.quick_range,
        "since": since,
        "until": until,
        "ranges": CHART_RANGE_LABELS.items(),
        "interval_label": presenters.interval_words(interval),
        "chart": chart,
        "chart_title": presenters.delivery_chart_title(name=name, config_id=config_id, since=since, until=until),
        "summary": summary,
        "average": summary.average_label,
        "changes": delivery.delivery_enabled_changes(**scope, plugin_config_id=config_id),
        "flags": flags(annotations.moments, since=since, until=until),
        "flags_error": annotations.error,
    }
    return render(request, "history/delivery_config.html", context)


# Logs


@require_GET
@posthog_page(VIEW)
def logs(request: PortalRequest) -> HttpResponse:
    scope, configs, form = _explorer_form(request)
    context: dict[str, object] = {"form": form, "configs": configs}
    if form.is_valid():
        cursor = form.cursor_position
        page = stored_logs.log_explorer_page(**scope, **form.filters(), cursor=cursor, limit=LOG_PAGE_SIZE)
        context.update(
            rows=presenters.explorer_rows(page.items, configs),
            older_url=f"?{form.query(cursor=page.next)}" if page.next else "",
            newest_url=f"?{form.query()}" if cursor else "",
            csv_url=f"{reverse('history:logs_csv')}?{form.query()}",
            config_url=f"?{form.query(without=('config',))}&config=",
        )
    return render(request, "history/logs.html", context)


@require_GET
@posthog_page(VIEW)
def logs_csv(request: PortalRequest) -> HttpResponseBase:
    """Every entry of the current filter, streamed in chunks from a server-side cursor: never all in memory."""
    scope, configs, form = _explorer_form(request)
    if not form.is_valid():
        return HttpResponseBadRequest("These filters are not valid; go back to the log explorer and fix them.")
    filters = form.filters()
    rows = stored_logs.log_export_rows(**scope, **filters)
    response = StreamingHttpResponse(presenters.log_csv_lines(rows, configs), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{presenters.log_csv_filename(filters)}"'
    return response


@require_GET
@posthog_page(VIEW)
def config_last_errors(request: PortalRequest) -> HttpResponse:
    """Out-of-band cells of the config list (apps/plugins): each config's newest stored ERROR entry."""
    ids = [int(value) for value in request.GET.getlist("config") if value.isdigit()][:MAX_LAST_ERRORS]
    errors = stored_logs.config_last_errors(**_scope(request), config_ids=ids)
    return render(request, "history/last_errors.html", {"errors": errors})


def _explorer_form(request: PortalRequest) -> tuple[_Scope, dict[int, str], LogExplorerForm]:
    """The scope, the configs with stored logs, and the explorer's filters read from the query."""
    scope = _scope(request)
    configs = stored_logs.log_configs(**scope)
    return scope, configs, LogExplorerForm(request.GET, configs=configs)


def _scope(request: PortalRequest) -> _Scope:
    connection = request.posthog.connection
    if connection is None:  # posthog_page answers before any view of stored data runs
        raise LookupError("No PostHog connection is configured.")
    return _Scope(connection_id=connection.pk, project_id=request.posthog.project_id)
