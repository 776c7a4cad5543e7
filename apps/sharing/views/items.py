"""The entry pages: open an insight or a recording by ID, or pick one from PostHog's list."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from apps.core.pages import posthog_page
from apps.core.roles import VIEW
from apps.sharing import selectors
from apps.sharing.forms import OpenForm
from apps.sharing.kinds import Kind


@require_GET
@posthog_page(VIEW)
def item_list(request, kind: Kind):
    form = OpenForm(request.GET if "id" in request.GET else None, kind=kind)
    if form.is_bound and form.is_valid():
        item_id = form.cleaned_data["id"]
        if selectors.shared_item_exists(context=request.posthog, kind=kind, item_id=item_id):
            return redirect("sharing:detail", kind=kind, item_id=item_id)
        form.add_error("id", f"No {kind.noun} {item_id} in this {kind.scope_noun}.")
    search = request.GET.get("q", "").strip() if kind.searchable else ""
    page = selectors.shared_item_page(
        context=request.posthog, kind=kind, search=search, offset=_offset(request.GET.get("offset"))
    )
    context = {"kind": kind, "form": form, "search": search, "page": page}
    htmx = request.htmx
    template = "sharing/index.html#results" if htmx and not htmx.history_restore_request else "sharing/index.html"
    return render(request, template, context)


def _offset(value) -> int:
    return int(value) if value and value.isdigit() else 0
