"""The project's annotations: a searchable list, create, edit, and a soft delete that can be undone; several are
deleted at once after one confirmation (apps/core/bulk.py)."""

from collections.abc import Sequence
from functools import partial
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from apps.annotations import selectors, services
from apps.annotations.forms import UPSTREAM_FIELDS, AnnotationFilterForm, AnnotationForm
from apps.annotations.presenters import annotation_label, page_url, with_deleted_shown
from apps.annotations.selectors import Annotation
from apps.connections.request import PortalRequest
from apps.core.bulk import Found, Place, Planned, Report, Words, bulk_plan, bulk_view
from apps.core.forms import NO_CHANGES
from apps.core.htmx import fragment_or_page, render_fragment_or_page, wants_fragment
from apps.core.http import htmx_redirect
from apps.core.pages import form_write, posthog_page
from apps.core.parallel import attempt_all
from apps.core.params import offset
from apps.core.roles import OPERATE, VIEW
from apps.core.undo import NOTHING_TO_UNDO, toast_with_undo, undo_take
from apps.posthog.errors import NotFound

# The list's results refresh themselves on this event (sent after a delete or a restore).
CHANGED_EVENT = "annotations-changed"
BULK_WORDS = Words(
    noun="annotation",
    actions={"delete": ("Delete", "deleted")},
    danger=True,
    warning="They disappear from PostHog's charts. Each can be restored from the list's “Deleted” section.",
)


@require_GET
@posthog_page(VIEW)
def annotation_list(request: PortalRequest) -> HttpResponse:
    context = _list_context(request, request.GET, own=True)
    return render_fragment_or_page(request, "annotations/list.html", context, fragment="results")


def _list_context(
    request: PortalRequest, query: QueryDict, *, own: bool = False, bulk: Report | None = None
) -> dict[str, Any]:
    """The list filtered by `query`: the page's `own` (its GET), or the one a bulk action was started from."""
    form = AnnotationFilterForm(query)
    list_url = request.path if own else reverse("annotations:list")
    context: dict[str, Any] = {
        "form": form,
        "results_url": request.get_full_path() if own else f"{list_url}?{query.urlencode()}",
        "filters_query": query.urlencode(),
        "bulk": bulk,
    }
    if form.is_valid():
        page = selectors.annotation_page(context=request.posthog, **form.filters(), offset=offset(query.get("offset")))
        paged = query.copy()
        paged.pop("offset", None)
        context.update(
            page=page,
            page_url=page_url(request) if own else f"{list_url}?{paged.urlencode()}",
            filtered=any(form.filters().values()),
        )
        if form.cleaned_data["deleted"]:
            deleted = selectors.annotation_deleted_list(context=request.posthog)
            context["deleted"] = [entry for entry in deleted if form.matches(entry.annotation)]
    shown = query.copy()
    shown["deleted"] = "on"
    after_delete_url = with_deleted_shown(request) if own else f"{list_url}?{shown.urlencode()}"
    context.update(after_delete_url=after_delete_url, fragment=wants_fragment(request))
    return context


@require_GET
@posthog_page(VIEW)
def annotation_detail(request: PortalRequest, annotation_id: int) -> HttpResponse:
    annotation = selectors.annotation_get(context=request.posthog, annotation_id=annotation_id)
    return render(request, "annotations/detail.html", {"annotation": annotation})


@require_http_methods(["GET", "POST"])
@posthog_page(OPERATE)
def annotation_create(request: PortalRequest) -> HttpResponse:
    form = AnnotationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and (created := _save(request, form)):
        messages.success(request, f"Created “{annotation_label(created.content)}”.")
        return htmx_redirect(request, "annotations:detail", annotation_id=created.id)
    return render(request, fragment_or_page(request, "annotations/form.html", "form"), {"form": form})


@require_http_methods(["GET", "POST"])
@posthog_page(OPERATE)
def annotation_edit(request: PortalRequest, annotation_id: int) -> HttpResponse:
    annotation = selectors.annotation_get(context=request.posthog, annotation_id=annotation_id)
    form = AnnotationForm(request.POST if request.method == "POST" else None, annotation=annotation)
    if request.method == "POST" and form.is_valid():
        if not form.payload_fields():
            messages.info(request, NO_CHANGES)
            return htmx_redirect(request, "annotations:detail", annotation_id=annotation_id)
        if saved := _save(request, form, annotation_id=annotation_id):
            messages.success(request, f"Saved “{annotation_label(saved.content)}”.")
            return htmx_redirect(request, "annotations:detail", annotation_id=annotation_id)
    context = {"form": form, "annotation": annotation}
    return render(request, fragment_or_page(request, "annotations/form.html", "form"), context)


@require_POST
@posthog_page(OPERATE)
def annotation_delete(request: PortalRequest, annotation_id: int) -> HttpResponse:
    """A soft delete, PATCH `deleted: true`: PostHog answers DELETE on an annotation with 405, so it is never sent.

    From the list (htmx) the answer comes in place, with an Undo in its toast; otherwise the list opens with the
    deleted annotations shown, each with a Restore button.
    """
    deleted = services.annotation_delete(context=request.posthog, annotation_id=annotation_id)
    label = annotation_label(deleted.content)
    if request.htmx:
        toast_with_undo(
            request,
            f"Deleted “{label}”.",
            kind="deleted",
            state={"annotation_id": annotation_id},
            undone=f"Undone: “{label}” restored.",
            url_name="annotations:undo",
        )
        return _changed_in_place()
    messages.success(request, f"Deleted “{label}”. It is listed under “Deleted” below, where it can be restored.")
    after = f"{reverse('annotations:list')}?deleted=on"
    return htmx_redirect(request, after, next_url=request.POST.get("next", ""))


@require_POST
@posthog_page(OPERATE)
def annotation_restore(request: PortalRequest, annotation_id: int) -> HttpResponse:
    restored = services.annotation_restore(context=request.posthog, annotation_id=annotation_id)
    messages.success(request, f"Restored “{annotation_label(restored.content)}”.")
    if request.htmx:
        return _changed_in_place()
    return htmx_redirect(request, "annotations:list", next_url=request.POST.get("next", ""))


@require_POST
@posthog_page(OPERATE)
def annotation_undo(request: PortalRequest, token: str) -> HttpResponse:
    """The toast's Undo of a delete: once, within its lifetime (the Restore buttons of the list stay for later)."""
    undo = undo_take(request, token=token, kinds=frozenset({"deleted"}))
    if undo is None:
        messages.info(request, NOTHING_TO_UNDO)
        return HttpResponse(status=204)
    services.annotation_restore(context=request.posthog, annotation_id=int(undo.state["annotation_id"]))
    messages.success(request, undo.undone)
    return _changed_in_place()


@require_POST
@posthog_page(OPERATE)
def annotation_bulk_delete(request: PortalRequest) -> HttpResponse:
    """Delete several annotations: the ticked ones are listed as PostHog holds them; the confirmation (its
    one-time token) deletes each through the single delete's service and shows each result. The list comes back
    with the filters it was started from."""
    query = QueryDict(request.POST.get("filters", ""))
    place = Place(
        back_url=f"{reverse('annotations:list')}?{query.urlencode()}",
        target="#annotation-results",
        swap="outerHTML",
        keep=(("filters", query.urlencode()),),
    )
    return bulk_view(
        request,
        words=BULK_WORDS,
        place=place,
        plan=lambda _action, ids: _annotation_plan(request, ids=ids),
        apply=lambda _action, plan: services.annotation_delete_many(context=request.posthog, plan=plan),
        listed=lambda report: render_fragment_or_page(
            request, "annotations/list.html", _list_context(request, query, bulk=report), fragment="results"
        ),
    )


def _annotation_plan(request: PortalRequest, *, ids: Sequence[str]) -> list[Planned]:
    """Each annotation read now, for its text (never the form's); one PostHog deletes or hides answers 404."""
    wanted = [item_id for item_id in ids if item_id.isdigit()]
    reads = attempt_all(
        [partial(selectors.annotation_get, context=request.posthog, annotation_id=int(item_id)) for item_id in wanted]
    )
    found, unread = {}, {}
    for item_id, outcome in zip(wanted, reads, strict=True):
        if outcome.value is not None:
            found[item_id] = Found(name=f"“{annotation_label(outcome.value.content)}”", state="shown")
        elif outcome.error is not None and not isinstance(outcome.error, NotFound):
            unread[item_id] = f"could not be read: {outcome.error.user_message}"
    return bulk_plan(
        ids=ids, found=found, after="deleted", gone="not found in PostHog: deleted already?", unread=unread
    )


def _save(request: PortalRequest, form: AnnotationForm, *, annotation_id: int | None = None) -> Annotation | None:
    """Create or update from a valid form; None when PostHog (or the insight lookup) put an error on it. Where the
    annotation shows, when PostHog answered without keeping it, is said on the form too (ChangeNotKept)."""
    insight_id = None
    if short_id := form.insight_needed():
        insight_id = selectors.insight_id_find(context=request.posthog, short_id=short_id)
        if insight_id is None:
            form.insight_not_found(short_id)
            return None
    data = form.payload(insight_id=insight_id)
    return form_write(
        form,
        lambda: services.annotation_save(context=request.posthog, annotation_id=annotation_id, data=data),
        fields=UPSTREAM_FIELDS,
    )


def _changed_in_place() -> HttpResponse:
    """No content for htmx: the list refreshes itself on the event, and the toast rides on this answer."""
    return trigger_client_event(HttpResponse(status=204), CHANGED_EVENT)
