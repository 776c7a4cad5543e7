"""The entry pages: open an insight or a recording by ID, or pick one from PostHog's list."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from apps.connections.request import PortalRequest
from apps.core.htmx import fragment_or_page
from apps.core.pages import posthog_page
from apps.core.params import offset
from apps.core.roles import VIEW
from apps.sharing import selectors
from apps.sharing.forms import OpenForm
from apps.sharing.kinds import Kind


@require_GET
@posthog_page(VIEW)
def item_list(request: PortalRequest, kind: Kind) -> HttpResponse:
    form = OpenForm(request.GET if "id" in request.GET else None, kind=kind)
    if form.is_bound and form.is_valid():
        item_id = form.cleaned_data["id"]
        if selectors.shared_item_exists(context=request.posthog, kind=kind, item_id=item_id):
            return redirect("sharing:detail", kind=kind, item_id=item_id)
        form.add_error("id", f"No {kind.noun} {item_id} in this {kind.scope_noun}.")
    search = request.GET.get("q", "").strip() if kind.searchable else ""
    page = selectors.shared_item_page(
        context=request.posthog, kind=kind, search=search, offset=offset(request.GET.get("offset"))
    )
    context = {"kind": kind, "form": form, "search": search, "page": page}
    return render(request, fragment_or_page(request, "sharing/index.html", "results"), context)
