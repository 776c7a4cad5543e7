"""The pipeline pages of History: the health overview a team reads first (every plugin config, hog function and batch
export with its verdict, worst first, sortable) and the run charts of one hog function and one batch export.

They read what the pollers stored, never PostHog: PostHog failing shows as the pollers' last failed run, said on
the overview, while what was kept stays readable.
"""

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.connections.request import PortalRequest
from apps.core.pages import posthog_page
from apps.core.roles import VIEW
from apps.history.forms import (
    BATCH_EXPORTS,
    CHART_RANGE_LABELS,
    HOG_FUNCTIONS,
    OBJECT_FIELDS,
    DeliveryRangeForm,
    ProjectFilterForm,
)
from apps.history.presenters import health as health_presenters
from apps.history.presenters import pipeline as presenters
from apps.history.selectors import began as history_began
from apps.history.selectors import health, pipeline
from apps.history.selectors.pipeline import RunsPoint
from apps.history.selectors.projects import history_projects
from apps.history.selectors.status import pipeline_runs_troubled
from apps.history.views import history_connection


@require_GET
@posthog_page(VIEW)
def pipeline_health(request: PortalRequest) -> HttpResponse:
    """Every plugin config, hog function and batch export with its verdict, worst first unless `?sort=` says."""
    connection = history_connection(request)
    form = ProjectFilterForm(request.GET, projects=history_projects(connection=connection))
    sort = health_presenters.health_sort(request.GET)
    project_query = {"project": form.project_id} if form.project_id else {}
    rows = health_presenters.health_rows(
        health.health_list(connection_id=connection.pk, project_id=form.project_id, now=timezone.now()),
        projects=form.projects if form.several_projects else None,
        query=f"?project={form.project_id}" if form.project_id else "",
    )
    context = {
        "form": form,
        "rows": health_presenters.sort_rows(rows, sort),
        "counts": health_presenters.health_counts(rows),
        "columns": health_presenters.sort_columns(sort, query=project_query),
        "several_projects": form.several_projects,
        "troubled_runs": pipeline_runs_troubled(connection_id=connection.pk),
    }
    return render(request, "history/pipeline_health.html", context)


@require_GET
@posthog_page(VIEW)
def function_chart(request: PortalRequest, function_id: UUID) -> HttpResponse:
    """A hog function's success rate by the hour (PostHog's counts are hourly), from the stored counts."""
    function = str(function_id)
    connection_id = history_connection(request).pk
    name, _ = pipeline.function_seen(connection_id=connection_id, function_id=function)
    return _runs_chart(
        request,
        kind=HOG_FUNCTIONS,
        object_id=function,
        name=name,
        series=lambda project_id, since, until: pipeline.function_runs_series(
            connection_id=connection_id, project_id=project_id, function_id=function, since=since, until=until
        ),
        began=lambda project_id: history_began.function_runs_began(
            connection_id=connection_id, project_id=project_id, function_id=function
        ),
        context={},
    )


@require_GET
@posthog_page(VIEW)
def export_chart(request: PortalRequest, export_id: UUID) -> HttpResponse:
    """A batch export's finished runs by UTC day: the share that did not fail, and its newest stored runs."""
    export = str(export_id)
    connection_id = history_connection(request).pk
    name, _ = pipeline.export_seen(connection_id=connection_id, export_id=export)
    return _runs_chart(
        request,
        kind=BATCH_EXPORTS,
        object_id=export,
        name=name,
        series=lambda project_id, since, until: pipeline.export_runs_series(
            connection_id=connection_id, project_id=project_id, export_id=export, since=since, until=until
        ),
        began=lambda project_id: history_began.export_runs_began(
            connection_id=connection_id, project_id=project_id, export_id=export
        ),
        context={"runs": pipeline.export_runs_recent(connection_id=connection_id, export_id=export)},
    )


def _runs_chart(
    request: PortalRequest,
    *,
    kind: str,
    object_id: str,
    name: str,
    series: Callable[[str | None, datetime, datetime], list[RunsPoint]],
    began: Callable[[str | None], datetime | None],
    context: dict[str, object],
) -> HttpResponse:
    """The run chart of a hog function (by the hour) or a batch export (by the day) over the range asked for."""
    now = timezone.now()
    form = DeliveryRangeForm(request.GET, projects=history_projects(connection=history_connection(request)))
    since, until = form.bounds(now=now)
    points = series(form.project_id, since, until)
    hourly = kind == HOG_FUNCTIONS
    label = "hog function" if hourly else "batch export"
    context |= {
        "kind": label,
        "name": name or f"{label.capitalize()} {object_id[:8]}",
        "known": bool(name or points),
        "form": form,
        "range": form.quick_range,
        "ranges": CHART_RANGE_LABELS.items(),
        "since": since,
        "until": until,
        "chart": presenters.runs_chart(
            points,
            since=since,
            until=until,
            step=presenters.HOUR if hourly else presenters.DAY,
            now=now,
            began=began(form.project_id),
        ),
        "summary": presenters.runs_summary(points),
        "step_label": "hour" if hourly else "day",
        "page_url_name": "hog_functions:detail" if hourly else "batch_exports:detail",
        "object_id": object_id,
        "logs_query": f"source={kind}&{OBJECT_FIELDS[kind]}={object_id}",
    }
    return render(request, "history/runs_chart.html", context)
