"""The project's cohorts: a paginated list, a cohort's page (polling while PostHog calculates it), and creating
static or dynamic ones."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from apps.cohorts import selectors, services
from apps.cohorts.forms import CohortForm, DynamicCohortForm, StaticCohortForm
from apps.cohorts.presenters import created_message, filter_lines, page_numbers, pretty_json
from apps.connections.request import PortalRequest
from apps.core.htmx import render_fragment_or_page, wants_fragment
from apps.core.http import htmx_redirect
from apps.core.pages import form_write, posthog_page
from apps.core.parallel import together
from apps.core.params import page_number
from apps.core.roles import OPERATE, VIEW
from apps.file_system.selectors import file_system_entry_for

CREATE_FORMS: dict[str, type[CohortForm]] = {"static": StaticCohortForm, "dynamic": DynamicCohortForm}


@require_GET
@posthog_page(VIEW)
def cohort_list(request: PortalRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    number = page_number(request.GET.get("page"))
    page = selectors.cohort_page(context=request.posthog, number=number, search=search)
    context = {"page": page, "pager": page_numbers(page, size=selectors.PAGE_SIZE), "query": search}
    return render_fragment_or_page(request, "cohorts/cohort_list.html", context, fragment="results")


@require_GET
@posthog_page(VIEW)
def cohort_detail(request: PortalRequest, cohort_id: int) -> HttpResponse:
    if wants_fragment(request):
        # The summary refreshes itself while PostHog calculates the cohort.
        cohort = selectors.cohort_get(context=request.posthog, cohort_id=cohort_id)
        return render(request, "cohorts/cohort_detail.html#summary", {"cohort": cohort})
    # Where it is filed is found by the cohort's id, known from the URL: both are asked at once.
    found = together(
        cohort=lambda: selectors.cohort_get(context=request.posthog, cohort_id=cohort_id),
        filed=lambda: file_system_entry_for(context=request.posthog, kind="cohort", ref=str(cohort_id)),
    )
    cohort = found.value("cohort")
    context = {
        "cohort": cohort,
        "filter_lines": filter_lines(cohort.filters),
        "filters_json": pretty_json(cohort.filters) if not cohort.is_static else "",
        "query_json": pretty_json(cohort.query),
        "filed": found.value("filed"),
    }
    return render(request, "cohorts/cohort_detail.html", context)


@require_http_methods(["GET", "POST"])
@posthog_page(OPERATE)
def cohort_create(request: PortalRequest, kind: str) -> HttpResponse:
    form_class = CREATE_FORMS.get(kind)
    if form_class is None:
        raise Http404("No such kind of cohort.")
    form = form_class(request.POST, request.FILES) if request.method == "POST" else form_class()
    if form.is_bound and form.is_valid():
        cohort = form_write(
            form,
            lambda: services.cohort_create(context=request.posthog, data=form.payload()),
            fields=form.UPSTREAM_FIELDS,
            unnamed_on=form.UNNAMED_ERRORS_ON,
        )
        if cohort is not None:
            messages.success(request, created_message(cohort))
            return htmx_redirect(request, "cohorts:detail", cohort_id=cohort.id)
    context = {"form": form, "kind": kind}
    return render_fragment_or_page(request, "cohorts/cohort_create.html", context, fragment="form")
