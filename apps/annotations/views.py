"""The project's annotations: a searchable list, create, edit, and a soft delete that can be undone."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from apps.annotations import selectors, services
from apps.annotations.forms import UPSTREAM_FIELDS, AnnotationFilterForm, AnnotationForm
from apps.core.http import htmx_redirect
from apps.core.pages import form_error_from_upstream, posthog_page
from apps.core.roles import OPERATE, VIEW
from apps.core.toasts import ToastAction, toast_with_action
from apps.posthog.errors import ChangeNotKept, ValidationError

# The list's results refresh themselves on this event (sent after a delete or a restore).
CHANGED_EVENT = "annotations-changed"
LABEL_LENGTH = 60


@require_GET
@posthog_page(VIEW)
def annotation_list(request):
    form = AnnotationFilterForm(request.GET)
    context = {"form": form, "results_url": request.get_full_path()}
    if form.is_valid():
        offset = _offset(request.GET.get("offset"))
        context["page"] = selectors.annotation_page(context=request.posthog, **form.filters(), offset=offset)
        context["page_url"] = _page_url(request)
        context["filtered"] = any(form.filters().values())
        if form.cleaned_data["deleted"]:
            deleted = selectors.annotation_deleted_list(context=request.posthog)
            context["deleted"] = [entry for entry in deleted if form.matches(entry.annotation)]
    context["after_delete_url"] = _with_deleted_shown(request)
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "annotations/list.html#results", {**context, "fragment": True})
    return render(request, "annotations/list.html", context)


@require_GET
@posthog_page(VIEW)
def annotation_detail(request, annotation_id: int):
    annotation = selectors.annotation_get(context=request.posthog, annotation_id=annotation_id)
    return render(request, "annotations/detail.html", {"annotation": annotation})


@require_http_methods(["GET", "POST"])
@posthog_page(OPERATE)
def annotation_create(request):
    form = AnnotationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and (created := _save(request, form)):
        messages.success(request, f"Created “{_label(created.get('content'))}”.")
        return htmx_redirect(request, "annotations:detail", annotation_id=created["id"])
    return render(request, _form_template(request), {"form": form})


@require_http_methods(["GET", "POST"])
@posthog_page(OPERATE)
def annotation_edit(request, annotation_id: int):
    annotation = selectors.annotation_get(context=request.posthog, annotation_id=annotation_id)
    form = AnnotationForm(request.POST if request.method == "POST" else None, annotation=annotation)
    if request.method == "POST" and form.is_valid():
        if not form.payload_fields():
            messages.info(request, "Nothing was changed.")
            return htmx_redirect(request, "annotations:detail", annotation_id=annotation_id)
        if saved := _save(request, form, annotation_id=annotation_id):
            messages.success(request, f"Saved “{_label(saved.get('content'))}”.")
            return htmx_redirect(request, "annotations:detail", annotation_id=annotation_id)
    return render(request, _form_template(request), {"form": form, "annotation": annotation})


@require_POST
@posthog_page(OPERATE)
def annotation_delete(request, annotation_id: int):
    """A soft delete, PATCH `deleted: true`: PostHog answers DELETE on an annotation with 405, so it is never sent.

    From the list (htmx) the answer comes in place, with an Undo in its toast; otherwise the list opens with the
    deleted annotations shown, each with a Restore button.
    """
    deleted = services.annotation_delete(context=request.posthog, annotation_id=annotation_id)
    label = _label(deleted.get("content"))
    if request.htmx:
        undo = ToastAction("Undo", reverse("annotations:restore", args=[annotation_id]))
        toast_with_action(request, f"Deleted “{label}”.", action=undo)
        return _changed_in_place()
    messages.success(request, f"Deleted “{label}”. It is listed under “Deleted” below, where it can be restored.")
    after = f"{reverse('annotations:list')}?deleted=on"
    return htmx_redirect(request, after, next_url=request.POST.get("next", ""))


@require_POST
@posthog_page(OPERATE)
def annotation_restore(request, annotation_id: int):
    restored = services.annotation_restore(context=request.posthog, annotation_id=annotation_id)
    messages.success(request, f"Restored “{_label(restored.get('content'))}”.")
    if request.htmx:
        return _changed_in_place()
    return htmx_redirect(request, "annotations:list", next_url=request.POST.get("next", ""))


def _save(request, form: AnnotationForm, *, annotation_id: int | None = None) -> dict | None:
    """Create or update from a valid form; None when PostHog (or the insight lookup) put an error on it."""
    insight_id = None
    if short_id := form.insight_needed():
        insight_id = selectors.insight_id_find(context=request.posthog, short_id=short_id)
        if insight_id is None:
            form.add_error("insight", f"No insight of this project has the short ID “{short_id}”.")
            return None
    data = form.payload(insight_id=insight_id)
    try:
        if annotation_id is None:
            return services.annotation_create(context=request.posthog, data=data)
        return services.annotation_update(context=request.posthog, annotation_id=annotation_id, data=data)
    except ValidationError as error:
        if not form_error_from_upstream(form, error, fields=UPSTREAM_FIELDS):
            raise
    except ChangeNotKept as error:
        # PostHog answered without keeping where the annotation shows: said on the form, with what was typed.
        form.add_error(None, error.user_message)
    return None


def _changed_in_place() -> HttpResponse:
    """No content for htmx: the list refreshes itself on the event, and the toast rides on this answer."""
    return trigger_client_event(HttpResponse(status=204), CHANGED_EVENT)


def _form_template(request) -> str:
    return "annotations/form.html#form" if request.htmx else "annotations/form.html"


def _label(content) -> str:
    text = " ".join(str(content or "").split()) or "annotation without text"
    return text if len(text) <= LABEL_LENGTH else text[: LABEL_LENGTH - 1] + "…"


def _offset(value) -> int:
    return int(value) if value and value.isdigit() else 0


def _page_url(request) -> str:
    """This list's URL without its offset, ready for `&offset=`."""
    query = request.GET.copy()
    query.pop("offset", None)
    return f"{request.path}?{query.urlencode()}"


def _with_deleted_shown(request) -> str:
    """Where a delete without JavaScript leads: this list, with the deleted annotations (and their Restore) shown."""
    query = request.GET.copy()
    query["deleted"] = "on"
    return f"{request.path}?{query.urlencode()}"
