"""The log explorer over everything the pollers stored as logs: plugin configs' log entries, hog functions' log
entries, and batch export runs (their status and error, as a log); its CSV export; the config list's last errors."""

from typing import Any

from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.connections.request import PortalRequest
from apps.core.pages import posthog_page
from apps.core.paging import CursorPage
from apps.core.roles import VIEW
from apps.core.sorting import sort_headers, sort_order
from apps.history.forms import (
    BATCH_EXPORTS,
    HOG_FUNCTIONS,
    OBJECT_FIELDS,
    PLUGIN_CONFIGS,
    LogExplorerForm,
    ProjectFilterForm,
)
from apps.history.presenters import health as health_presenters
from apps.history.presenters import pipeline as pipeline_presenters
from apps.history.presenters import stored as presenters
from apps.history.selectors import logs as stored_logs
from apps.history.selectors import pipeline_logs
from apps.history.selectors.health import config_health_list
from apps.history.selectors.projects import history_projects
from apps.history.views import history_connection

LOG_PAGE_SIZE = 100
MAX_LAST_ERRORS = 500


@require_GET
@posthog_page(VIEW)
def logs(request: PortalRequest) -> HttpResponse:
    connection_id, form, labels = _explorer(request)
    order = sort_order(request.GET, columns=presenters.LOG_SORT_COLUMNS, default=presenters.LOG_DEFAULT_SORT)
    oldest_first = not order.descending
    # The order the next page, "back to the newest" and the filters keep (Any: `query` reads `without` apart).
    kept: dict[str, Any] = order.params if order != presenters.LOG_DEFAULT_SORT else {}
    context: dict[str, object] = {
        "form": form,
        "configs": labels,
        "source": form.log_source,
        "oldest_first": oldest_first,
        "sort_kept": kept,
    }
    if form.is_valid():
        cursor = form.cursor_position
        page: CursorPage
        if form.log_source == PLUGIN_CONFIGS:
            filters = form.filters()
            page = stored_logs.log_explorer_page(
                connection_id=connection_id,
                project_id=form.project_id,
                **filters,
                cursor=cursor,
                limit=LOG_PAGE_SIZE,
                oldest_first=oldest_first,
            )
            rows = presenters.explorer_rows(page.items, labels)
        else:
            page = pipeline_logs.pipeline_log_page(
                source=form.log_source,
                connection_id=connection_id,
                project_id=form.project_id,
                **form.pipeline_filters(),
                cursor=cursor,
                limit=LOG_PAGE_SIZE,
                oldest_first=oldest_first,
            )
            rows = pipeline_presenters.pipeline_explorer_rows(page.items, labels)
        field = OBJECT_FIELDS[form.log_source]
        context.update(
            rows=rows,
            older_url=f"?{form.query(cursor=page.next, **kept)}" if page.next else "",
            newest_url=f"?{form.query(**kept)}" if cursor else "",
            csv_url=f"{reverse('history:logs_csv')}?{form.query()}",
            config_url=f"?{form.query(without=(field,), **kept)}&{field}=",
            columns=sort_headers(order, columns=presenters.LOG_SORT_COLUMNS, query=form.query()),
        )
    return render(request, "history/logs.html", context)


@require_GET
@posthog_page(VIEW)
def logs_csv(request: PortalRequest) -> HttpResponseBase:
    """Every entry of the current filter, streamed in chunks from a server-side cursor: never all in memory."""
    connection_id, form, labels = _explorer(request)
    if not form.is_valid():
        return HttpResponseBadRequest("These filters are not valid; go back to the log explorer and fix them.")
    if form.log_source in (HOG_FUNCTIONS, BATCH_EXPORTS):
        filters = form.pipeline_filters()
        read = pipeline_logs.hog_log_export_rows if form.log_source == HOG_FUNCTIONS else pipeline_logs.run_export_rows
        lines = pipeline_presenters.pipeline_csv_lines(
            read(connection_id=connection_id, project_id=form.project_id, **filters), labels, source=form.log_source
        )
        filename = pipeline_presenters.pipeline_csv_filename(filters, source=form.log_source)
    else:
        plugin_filters = form.filters()
        lines = presenters.log_csv_lines(
            stored_logs.log_export_rows(connection_id=connection_id, project_id=form.project_id, **plugin_filters),
            labels,
        )
        filename = presenters.log_csv_filename(plugin_filters)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@posthog_page(VIEW)
def config_last_errors(request: PortalRequest) -> HttpResponse:
    """Out-of-band cells of the config list (apps/plugins): each config's newest stored ERROR entry."""
    ids = [int(value) for value in request.GET.getlist("config") if value.isdigit()][:MAX_LAST_ERRORS]
    connection_id = history_connection(request).pk
    errors = stored_logs.config_last_errors(connection_id=connection_id, config_ids=ids)
    # The health cell too: PostHog's rate alone would show a config logging 503s a minute ago as a green 100 %.
    health = config_health_list(connection_id=connection_id, project_id=None, now=timezone.now(), config_ids=ids)
    context = {"errors": errors, "health": health_presenters.health_rows(health, projects=None)}
    return render(request, "history/last_errors.html", context)


def _explorer(request: PortalRequest) -> tuple[int, LogExplorerForm, dict]:
    """The connection's id, the explorer's filters read from the query, and the names of the objects (configs, hog
    functions or batch exports) with stored entries of the source picked, in the project asked for."""
    connection = history_connection(request)
    projects = history_projects(connection=connection)
    picked = ProjectFilterForm(request.GET, projects=projects)
    several = projects if picked.several_projects else None
    project_id = picked.project_id
    configs = presenters.config_labels(
        stored_logs.log_configs(connection_id=connection.pk, project_id=project_id), projects=several
    )
    functions = pipeline_presenters.object_labels(
        pipeline_logs.hog_log_functions(connection_id=connection.pk, project_id=project_id), projects=several
    )
    exports = pipeline_presenters.object_labels(
        pipeline_logs.run_exports(connection_id=connection.pk, project_id=project_id), projects=several
    )
    form = LogExplorerForm(request.GET, configs=configs, projects=projects, functions=functions, exports=exports)
    by_source: dict[str, dict] = {HOG_FUNCTIONS: functions, BATCH_EXPORTS: exports}
    return connection.pk, form, by_source.get(form.log_source, configs)
