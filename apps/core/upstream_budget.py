"""One upstream time budget per request: every PostHog read, write and retry a page or action makes shares it.

Without it a hanging PostHog held a page for every retry of every read (4 × 10 s each) and the web server killed
the worker with a bare 500. Inside the budget the client shortens its timeouts and skips retries that would not
fit (apps.posthog.deadline); when it runs out the request's next PostHog call raises DeadlineExceeded, which the
error middleware and the pages' secondary reads (apps.core.outcome) show in place as "PostHog did not answer in
N s". The budget is POSTHOG_REQUEST_BUDGET_SECONDS, kept well under the server's timeout (WEB_TIMEOUT_SECONDS).
"""

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from apps.posthog.deadline import deadline


class UpstreamBudgetMiddleware:
    """Opens the request's deadline before anything of the request reads PostHog. The health check and static
    files are left out: neither may ever wait on PostHog, and neither asks it anything."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _exempt(request.path_info):
            return self.get_response(request)
        with deadline(settings.POSTHOG_REQUEST_BUDGET_SECONDS):
            return self.get_response(request)


def _exempt(path: str) -> bool:
    return path == _healthz_path() or path.startswith(_static_prefix())


@cache
def _healthz_path() -> str:
    return reverse("healthz")


@cache
def _static_prefix() -> str:
    return "/" + settings.STATIC_URL.lstrip("/")
