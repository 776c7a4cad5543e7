"""The history pages: polling status, delivery-rate charts and the explorer over stored plugin logs.

They read the portal's own database (what the pollers stored), of every watched project of the connection or of the
one `?project=` names. The one thing asked of PostHog is the annotations a delivery chart marks, in a single request
the chart does without when it fails.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.connections.request import PortalRequest
from apps.core.http import htmx_redirect
from apps.core.pages import posthog_page
from apps.core.roles import ADMINISTER, OPERATE, VIEW
from apps.history import services
from apps.history.charts import flags
from apps.history.forms import (
    CHART_RANGE_LABELS,
    DeliveryRangeForm,
    ProjectFilterForm,
    ScheduleForm,
)
from apps.history.kinds import HISTORY_TASKS
from apps.history.periods import period_floor
from apps.history.presenters import health as health_presenters
from apps.history.presenters import stored as presenters
from apps.history.selectors import began as delivery_began
from apps.history.selectors import delivery
from apps.history.selectors import status as polling
from apps.history.selectors.delivery import ChartMoments
from apps.history.selectors.health import config_health_list
from apps.history.selectors.projects import history_projects
from apps.history.views import history_connection

LOG_PAGE_SIZE = 100
MAX_LAST_ERRORS = 500


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
    # From the start of a period: the first sparkline point is a whole period's mean, as every other one.
    since = period_floor(now - timedelta(days=presenters.OVERVIEW_DAYS))
    connection = history_connection(request)
    form = ProjectFilterForm(request.GET, projects=history_projects(connection=connection))
    configs = delivery.delivery_overview(
        connection_id=connection.pk, project_id=form.project_id, since=since, until=now
    )
    began = delivery_began.delivery_overview_began(
        connection_id=connection.pk, project_id=form.project_id, configs=configs, since=since
    )
    overview = presenters.overview_of(
        configs, since=since, until=now, projects=form.projects if form.several_projects else None, began=began
    )
    sort = health_presenters.health_sort(request.GET)
    health = health_presenters.health_rows(
        config_health_list(
            connection_id=connection.pk,
            project_id=form.project_id,
            now=now,
            config_ids=[config.plugin_config_id for config in configs],
        ),
        projects=None,
    )
    judged = health_presenters.rows_with_health(
        overview.rows, key=lambda row: str(row.config.plugin_config_id), health=health, sort=sort
    )
    context = {
        "form": form,
        "rows": [row for row, _ in judged],
        "judged": judged,
        "columns": health_presenters.sort_columns(sort, query={"project": form.project_id} if form.project_id else {}),
        "days": presenters.OVERVIEW_DAYS,
        "axis_floor": overview.axis_floor,
        "several_projects": form.several_projects,
    }
    return render(request, "history/delivery_overview.html", context)


@require_GET
@posthog_page(VIEW)
def delivery_config(request: PortalRequest, config_id: int) -> HttpResponse:
    now = timezone.now()
    connection = history_connection(request)
    form = DeliveryRangeForm(request.GET, projects=history_projects(connection=connection))
    since, until = form.bounds(now=now)
    series = delivery.delivery_series(
        connection_id=connection.pk,
        project_id=form.project_id,
        plugin_config_id=config_id,
        since=since,
        until=until,
    )
    interval = delivery.delivery_interval()
    began = delivery_began.delivery_began(
        connection_id=connection.pk, project_id=form.project_id, plugin_config_id=config_id
    )
    chart = presenters.delivery_chart(series, since=since, until=until, interval=interval, now=now, began=began)
    seen = delivery.delivery_config_seen(
        connection_id=connection.pk, project_id=form.project_id, plugin_config_id=config_id
    )
    # An empty chart marks nothing: PostHog is not asked.
    annotations = (
        delivery.delivery_annotation_moments(
            context=request.posthog, since=since, until=until, project_id=seen.project_id
        )
        if not chart.empty
        else ChartMoments([])
    )
    name = seen.name
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
        "changes": delivery.delivery_enabled_changes(
            connection_id=connection.pk, project_id=form.project_id, plugin_config_id=config_id
        ),
        "flags": flags(annotations.moments, since=since, until=until),
        "flags_error": annotations.error,
    }
    return render(request, "history/delivery_config.html", context)
