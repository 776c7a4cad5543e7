"""A page's one time budget for PostHog (apps/core/upstream_budget.py): when PostHog hangs the person learns it in
place within the budget; lists of items read side by side (apps/core/parallel.py)."""

from __future__ import annotations

import time

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from apps.core.upstream_budget import UpstreamBudgetMiddleware
from apps.posthog.deadline import current_deadline

HTMX = {"HTTP_HX_REQUEST": "true"}
ONE_PROFILE = pytest.mark.profiles("current", reason="the budget is the portal's; every PostHog hangs alike")


def _budget_seen(path: str) -> float | None:
    seen: list[float | None] = []

    def view(request: HttpRequest) -> HttpResponse:
        limit = current_deadline()
        seen.append(limit.budget if limit else None)
        return HttpResponse()

    UpstreamBudgetMiddleware(view)(RequestFactory().get(path))
    return seen[0]


def test_every_page_gets_the_budget_but_the_health_check_and_static_files(settings) -> None:
    settings.POSTHOG_REQUEST_BUDGET_SECONDS = 9.0
    assert _budget_seen(reverse("plugins:configs")) == 9.0
    assert _budget_seen(reverse("file_system:recent")) == 9.0
    assert _budget_seen(reverse("healthz")) is None
    assert _budget_seen("/static/css/portal.css") is None
    assert current_deadline() is None  # nothing is left behind for the thread's next request


@ONE_PROFILE
def test_a_page_whose_posthog_hangs_says_so_within_the_budget(settings, operator_client, simulator) -> None:
    settings.POSTHOG_REQUEST_BUDGET_SECONDS = 1.0
    simulator.faults_set(hang_rate=1.0, hang_seconds=5.0)
    started = time.monotonic()
    response = operator_client.get(reverse("plugins:configs"))
    elapsed = time.monotonic() - started
    assert elapsed < 2.5
    assert response.status_code == 502
    assert "PostHog did not answer in 1 s" in response.content.decode()


@ONE_PROFILE
def test_a_panel_whose_posthog_hangs_says_so_in_its_place(settings, operator_client, simulator) -> None:
    settings.POSTHOG_REQUEST_BUDGET_SECONDS = 1.0
    simulator.faults_set(hang_rate=1.0, hang_seconds=5.0)
    started = time.monotonic()
    response = operator_client.get(reverse("file_system:recent"), **HTMX)
    assert time.monotonic() - started < 2.5
    assert response.status_code == 200  # htmx shows a 200's body in the panel
    assert "PostHog did not answer in 1 s" in response.content.decode()


@ONE_PROFILE
def test_a_secondary_read_out_of_time_leaves_the_rest_of_the_page(
    settings, operator_client, simulator, sim, monkeypatch
) -> None:
    """The function itself was read; its figures, read when the budget was spent, say why they are missing."""
    from apps.hog_functions import selectors

    settings.POSTHOG_REQUEST_BUDGET_SECONDS = 0.5
    function = next(f for f in sim.call("GET", "/api/projects/1/hog_functions/").json()["results"] if f["enabled"])
    real_totals = selectors.hog_function_totals

    def after_the_budget(**kwargs):
        time.sleep(0.6)  # the page's other reads took the budget
        return real_totals(**kwargs)

    monkeypatch.setattr(selectors, "hog_function_totals", after_the_budget)
    response = operator_client.get(reverse("hog_functions:detail", args=[function["id"]]))
    page = response.content.decode()
    assert response.status_code == 200
    assert function["name"] in page
    assert "PostHog did not answer in 0.5 s; try again in a moment." in page


@ONE_PROFILE
@pytest.mark.django_db(transaction=True)
def test_recently_viewed_reads_where_each_item_is_filed_side_by_side(settings, operator_client, simulator) -> None:
    """The views and the entries ordered by their last view, read together: once 1 + 10 reads, 11 × PostHog's time
    one after another; now 2 reads side by side, about 1 ×."""
    settings.POSTHOG_PARALLEL_READS = 6
    simulator.faults_set(latency_ms=300)
    simulator.requests_clear()
    started = time.monotonic()
    response = operator_client.get(reverse("file_system:recent"), **HTMX)
    elapsed = time.monotonic() - started
    assert "Power users (7d)" in response.content.decode()
    reads = sorted(r["path"].split("/file_system/", 1)[1] for r in simulator.requests() if "/file_system/" in r["path"])
    assert reads == ["", "log_view/"]
    assert elapsed < 0.3 * 2 * 0.9
