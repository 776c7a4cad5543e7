"""The project's cohorts: a paginated list, a cohort's page (polling while PostHog calculates it), and creating
static or dynamic ones."""

import json

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from apps.cohorts import selectors, services
from apps.cohorts.filters import filter_lines
from apps.cohorts.forms import DynamicCohortForm, StaticCohortForm
from apps.core.http import htmx_redirect
from apps.core.pages import form_error_from_upstream, posthog_page
from apps.core.roles import OPERATE, VIEW
from apps.file_system.selectors import file_system_entry_for
from apps.posthog.errors import ValidationError

CREATE_FORMS = {"static": StaticCohortForm, "dynamic": DynamicCohortForm}


def _page_number(value: str | None) -> int:
    return int(value) if value and value.isdigit() and int(value) > 0 else 1


def _fragment(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


@require_GET
@posthog_page(VIEW)
def cohort_list(request):
    search = request.GET.get("q", "").strip()
    page = selectors.cohort_page(context=request.posthog, number=_page_number(request.GET.get("page")), search=search)
    context = {"page": page, "query": search}
    template = "cohorts/cohort_list.html#results" if _fragment(request) else "cohorts/cohort_list.html"
    return render(request, template, context)


@require_GET
@posthog_page(VIEW)
def cohort_detail(request, cohort_id: int):
    cohort = selectors.cohort_get(context=request.posthog, cohort_id=cohort_id)
    if _fragment(request):
        # The summary refreshes itself while PostHog calculates the cohort.
        return render(request, "cohorts/cohort_detail.html#summary", {"cohort": cohort})
    context = {
        "cohort": cohort,
        "filter_lines": filter_lines(cohort.filters),
        "filters_json": _pretty(cohort.filters) if not cohort.is_static else "",
        "query_json": _pretty(cohort.query),
        "filed": file_system_entry_for(context=request.posthog, kind="cohort", ref=str(cohort.id)),
    }
    return render(request, "cohorts/cohort_detail.html", context)


def _pretty(data: dict | None) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) if data else ""


@require_http_methods(["GET", "POST"])
@posthog_page(OPERATE)
def cohort_create(request, kind: str):
    form_class = CREATE_FORMS.get(kind)
    if form_class is None:
        raise Http404("No such kind of cohort.")
    form = form_class(request.POST, request.FILES) if request.method == "POST" else form_class()
    if form.is_bound and form.is_valid():
        try:
            cohort = services.cohort_create(context=request.posthog, data=form.payload())
        except ValidationError as error:
            if not form_error_from_upstream(form, error, fields=form.UPSTREAM_FIELDS):
                form.add_error(form.UNNAMED_ERRORS_ON, error.detail)
        else:
            messages.success(request, _created_message(kind, cohort))
            return htmx_redirect(request, "cohorts:detail", cohort_id=cohort["id"])
    context = {"form": form, "kind": kind}
    template = "cohorts/cohort_create.html#form" if _fragment(request) else "cohorts/cohort_create.html"
    return render(request, template, context)


def _created_message(kind: str, cohort: dict) -> str:
    name = cohort.get("name") or cohort["id"]
    if kind == "static":
        count = cohort.get("count")
        persons = f" with {count} person{'s' if count != 1 else ''}" if isinstance(count, int) else ""
        return f"Created the static cohort “{name}”{persons}."
    return f"Created the dynamic cohort “{name}”; PostHog is calculating who is in it."
