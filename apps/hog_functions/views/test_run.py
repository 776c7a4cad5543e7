"""A test run of a hog function: PostHog runs it as saved on a sample event and answers its status, logs and result
(`invocations`)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from apps.connections.request import PortalRequest
from apps.core.htmx import fragment_or_page
from apps.core.pages import form_write, posthog_page
from apps.core.roles import OPERATE
from apps.hog_functions import services
from apps.hog_functions.forms import TestRunForm, sample_globals
from apps.hog_functions.presenters import log_rows, result_json
from apps.hog_functions.views.lookup import function_app_url, function_or_404

# The worker tests what runs on the server; site apps and site destinations run in browsers (cdp-api.ts answers
# "Invalid function type" for them).
TESTABLE_TYPES = ("destination", "internal_destination", "transformation")


@require_http_methods(["GET", "POST"])
@posthog_page(OPERATE)
def function_test(request: PortalRequest, function_id: str) -> HttpResponse:
    function = function_or_404(request, function_id)
    form = TestRunForm(
        request.POST if request.method == "POST" else None, initial={"sample": sample_globals(function), "mock": True}
    )
    refusal = request.posthog.unavailable.hog_function_test
    context = {
        "function": function,
        "form": form,
        "refusal": refusal,
        "testable": function.type in TESTABLE_TYPES,
        "app_url": function_app_url(request, function_id),
    }
    if request.method == "POST" and refusal is None and context["testable"] and form.is_valid():
        run = form_write(
            form,
            lambda: services.hog_function_test_run(
                context=request.posthog,
                function_id=function_id,
                globals_=form.globals(),
                mock_async_functions=bool(form.cleaned_data["mock"]),
            ),
            # PostHog names the sample's parts (`globals`) or the configuration it tested (`configuration__…`).
            fields={"globals": "sample"},
        )
        if run is not None:
            context.update(run=run, logs=log_rows(run.logs), result=result_json(run.result))
    return render(request, fragment_or_page(request, "hog_functions/test_run.html", "run"), context)
