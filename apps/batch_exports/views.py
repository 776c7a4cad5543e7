"""The project's batch exports: the list, one export with its runs and backfills, a run's logs; Operators pause and
unpause an export, backfill a range of its past, and retry or cancel a run."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.batch_exports import presenters, selectors, services
from apps.batch_exports.forms import UPSTREAM_FIELDS, BackfillForm
from apps.batch_exports.selectors import BatchExport
from apps.connections.request import PortalRequest
from apps.core.htmx import render_fragment_or_page, wants_fragment
from apps.core.http import htmx_redirect
from apps.core.outcome import attempt
from apps.core.pages import form_write, posthog_page
from apps.core.parallel import Together, together
from apps.core.params import moment_param, offset
from apps.core.roles import OPERATE, VIEW
from apps.core.undo import NOTHING_TO_UNDO, toast_with_undo, undo_take
from apps.posthog.errors import EndpointNotFound, PermissionDenied, ValidationError

# What PostHog answers when it will not do an action (the key, the version, the run's state): said in a toast.
REFUSALS = (PermissionDenied, EndpointNotFound, ValidationError)
DETAIL = "batch_exports:detail"
UNDO_URL = "batch_exports:undo"
# The buttons' writes, by the action their URL names.
EXPORT_WRITES: dict[str, Callable[..., object]] = {
    "pause": services.batch_export_pause,
    "unpause": services.batch_export_unpause,
}
# What undoes each: pausing and unpausing reverse each other (a run, retried or cancelled, cannot be taken back).
UNDOES = {"pause": "unpause", "unpause": "pause"}
RUN_WRITES: dict[str, Callable[..., object]] = {
    "retry": services.batch_export_run_retry,
    "cancel": services.batch_export_run_cancel,
}


@require_GET
@posthog_page(VIEW)
def batch_export_list(request: PortalRequest) -> HttpResponse:
    page = selectors.batch_export_page(context=request.posthog, offset=offset(request.GET.get("offset")))
    return render(request, "batch_exports/list.html", {"page": page})


@require_GET
@posthog_page(VIEW)
def batch_export_detail(request: PortalRequest, export_id: UUID) -> HttpResponse:
    # The runs and backfills are asked by the export's id from the URL: together with the export, not after it.
    found = together(
        export=lambda: selectors.batch_export_get(context=request.posthog, export_id=str(export_id)),
        **_detail_reads(request, str(export_id)),
    )
    export = found.value("export")
    return render(request, "batch_exports/detail.html", _detail(request, export, BackfillForm(export=export), found))


@require_GET
@posthog_page(VIEW)
def batch_export_runs(request: PortalRequest, export_id: UUID) -> HttpResponse:
    """Older runs, as rows appended to the table ("Older runs")."""
    runs = attempt(
        lambda: selectors.batch_export_run_page(
            context=request.posthog, export_id=str(export_id), cursor=request.GET.get("cursor", "")
        )
    )
    rows = {**_run_refusals(request), "runs": runs, "export_id": str(export_id)}
    return render(request, "batch_exports/detail.html#run-rows", rows)


@require_GET
@posthog_page(VIEW)
def batch_export_run_logs(request: PortalRequest, export_id: UUID, run_id: UUID) -> HttpResponse:
    context = request.posthog
    ids = {"export_id": str(export_id), "run_id": str(run_id)}
    refusal = context.unavailable.batch_export_run_logs
    before = moment_param(request.GET.get("before"))
    # The export, the run and its logs are all named by the URL: asked at once.
    reads: dict[str, Callable[[], Any]] = {
        "export": lambda: selectors.batch_export_get(context=context, export_id=ids["export_id"]),
        "run": lambda: selectors.batch_export_run_get(context=context, **ids),
    }
    if refusal is None:
        reads["logs"] = lambda: selectors.batch_export_run_logs(context=context, **ids, before=before)
    found = together(**reads)
    export = found.value("export")
    page = {
        "export": export,
        "run": found.value("run"),
        "refusal": refusal,
        "logs": found["logs"] if refusal is None else None,
        "app_url": presenters.app_url(context, export.id),
        "fragment": wants_fragment(request),
    }
    return render_fragment_or_page(request, "batch_exports/run_logs.html", page, fragment="entries")


@require_POST
@posthog_page(OPERATE)
def batch_export_act(request: PortalRequest, export_id: UUID, action: str) -> HttpResponse:
    """Pause or unpause the export (`action`, from the URL)."""
    write = EXPORT_WRITES[action]
    return _act(
        request, str(export_id), action, lambda: write(context=request.posthog, export_id=str(export_id)), undo=True
    )


@require_POST
@posthog_page(OPERATE)
def batch_export_undo(request: PortalRequest, token: str) -> HttpResponse:
    """The toast's Undo of a pause or an unpause: the opposite action, said done only when PostHog says so."""
    undo = undo_take(request, token=token, kinds=frozenset(EXPORT_WRITES))
    if undo is None:
        messages.info(request, NOTHING_TO_UNDO)
        return HttpResponse(status=204)
    export_id = str(undo.state["export_id"])
    write = EXPORT_WRITES[undo.kind]
    return _act(request, export_id, undo.kind, lambda: write(context=request.posthog, export_id=export_id), undone=True)


@require_POST
@posthog_page(OPERATE)
def batch_export_run_act(request: PortalRequest, export_id: UUID, run_id: UUID, action: str) -> HttpResponse:
    """Retry or cancel a run (`action`, from the URL); the run is read first, to name its interval (and to 404 for
    one that is not there)."""
    run = selectors.batch_export_run_get(context=request.posthog, export_id=str(export_id), run_id=str(run_id))
    write = RUN_WRITES[action]
    return _act(
        request,
        str(export_id),
        action,
        lambda: write(context=request.posthog, export_id=str(export_id), run_id=run.id),
        interval=presenters.interval_text(run),
    )


@require_http_methods(["GET", "POST"])
@posthog_page(OPERATE)
def batch_export_backfill(request: PortalRequest, export_id: UUID) -> HttpResponse:
    """GET: what the range typed so far would do (the form asks as it changes). POST: start the backfill."""
    export = selectors.batch_export_get(context=request.posthog, export_id=str(export_id))
    if request.method == "GET":
        form = BackfillForm(request.GET or None, export=export)
        preview = _preview(form) if form.is_bound and form.is_valid() else ""
        return render(request, "batch_exports/detail.html#backfill-preview", {"form": form, "preview": preview})
    form = BackfillForm(request.POST, export=export)
    if form.is_valid():
        start, end = form.bounds()
        try:
            started = form_write(
                form,
                lambda: services.batch_export_backfill_start(
                    context=request.posthog, export_id=export.id, start=start, end=end, dates_only=form.dates_only
                ),
                fields=UPSTREAM_FIELDS,
            )
        except (PermissionDenied, EndpointNotFound) as error:
            # Learned now (capabilities): from here on the page says so before anyone fills in the form.
            form.add_error(None, error.user_message)
            started = None
        if started is not None:
            messages.success(request, f"Backfill started. {_preview(form)}")
            return htmx_redirect(request, DETAIL, export_id=export.id)
    if wants_fragment(request):
        return render(request, "batch_exports/detail.html#backfill", {"form": form, "export": export})
    found = together(**_detail_reads(request, export.id))
    return render(request, "batch_exports/detail.html", _detail(request, export, form, found))


def _detail_reads(request: PortalRequest, export_id: str) -> dict[str, Callable[[], Any]]:
    """The export page's secondary reads: its runs and its backfills, each shown or its error in its place."""
    context = request.posthog
    cursor = request.GET.get("cursor", "")
    return {
        "runs": lambda: selectors.batch_export_run_page(context=context, export_id=export_id, cursor=cursor),
        "backfills": lambda: selectors.batch_export_backfill_list(context=context, export_id=export_id),
    }


def _detail(request: PortalRequest, export: BatchExport, form: BackfillForm, found: Together) -> dict[str, Any]:
    context = request.posthog
    cursor = request.GET.get("cursor", "")
    runs, backfills = found["runs"], found["backfills"]
    unavailable = context.unavailable
    return {
        **_run_refusals(request),
        "export": export,
        "settings": presenters.settings(export),
        "app_url": presenters.app_url(context, export.id),
        "runs": runs,
        "older_page": bool(cursor),
        "backfills": backfills,
        # 2024's PostHog lists no backfills: no card then, rather than an error.
        "backfills_listed": not isinstance(backfills.error, EndpointNotFound),
        "form": form,
        "pause_refusal": unavailable.batch_export_unpause if export.paused else unavailable.batch_export_pause,
        "backfill_refusal": presenters.backfill_refusal(unavailable),
    }


def _run_refusals(request: PortalRequest) -> dict[str, Any]:
    unavailable = request.posthog.unavailable
    return {
        "retry_refusal": unavailable.batch_export_run_retry,
        "cancel_refusal": unavailable.batch_export_run_cancel,
        "logs_refusal": unavailable.batch_export_run_logs,
    }


def _preview(form: BackfillForm) -> str:
    """What the valid form's backfill does, in a sentence."""
    start, end = form.bounds()
    return presenters.backfill_preview(runs=form.runs_expected(), interval=form.export.interval, start=start, end=end)


def _act(
    request: PortalRequest,
    export_id: str,
    action: str,
    write: Callable[[], object],
    *,
    interval: str = "",
    undo: bool = False,
    undone: bool = False,
) -> HttpResponse:
    """Run a button's write: say it is done only when PostHog says so, and what PostHog refused otherwise. With
    `undo`, the toast of a confirmed write offers its opposite (`UNDOES`); `undone` says the write was an undo."""
    words = presenters.ACTION_WORDS[action]
    try:
        confirmed = write()
    except REFUSALS as error:
        messages.error(request, error.user_message)
    else:
        done = ("Undone. " if undone else "") + words.done.format(interval=interval)
        if confirmed and undo:
            state = {"export_id": export_id}
            undone_words = f"Undone. {presenters.ACTION_WORDS[UNDOES[action]].done}"
            toast_with_undo(request, done, kind=UNDOES[action], state=state, undone=undone_words, url_name=UNDO_URL)
        elif confirmed:
            messages.success(request, done)
        else:
            messages.warning(request, words.unsure.format(interval=interval))
    return htmx_redirect(request, DETAIL, export_id=export_id)
