"""Toasts through HX-Trigger (apps/core/middleware.py HtmxMessagesMiddleware): an htmx response carries the messages
its own request queued; those an earlier request queued wait for the next full page. A write answered with
HX-Redirect leaves its toast for the page it sends the browser to, even when the page being left still loads a
fragment in that moment."""

import json

import pytest
from django.contrib import messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from apps.core.middleware import HtmxMessagesMiddleware

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def toasts_of(response) -> list[str]:
    trigger = response.headers.get("HX-Trigger")
    return [toast["message"] for toast in json.loads(trigger).get("toasts", [])] if trigger else []


def test_a_fragment_loaded_while_a_write_redirects_leaves_the_toast_for_the_next_page(
    client_as, admin_user, demo_connection
):
    admin = client_as(admin_user)
    write = admin.post(
        reverse("project_actions:complete_product_onboarding"), {"onboarding-product_type": "session_replay"}, **HTMX
    )
    assert write["HX-Redirect"] == reverse("project_actions:index")

    # The page being left polls its demo-data state just before the browser follows the redirect.
    fragment = admin.get(reverse("project_actions:is_generating_demo_data"), **HTMX)
    page = admin.get(write["HX-Redirect"]).content.decode()

    assert fragment.status_code == 200 and toasts_of(fragment) == []
    assert "Marked onboarding of Session replay as completed." in page


def _through_middleware(request, view) -> HttpResponse:
    handler = SessionMiddleware(MessageMiddleware(HtmxMessagesMiddleware(view)))
    return handler(request)


def test_an_htmx_answer_carries_its_own_messages_and_keeps_the_earlier_ones_queued():
    factory = RequestFactory()

    def earlier_view(request):
        messages.success(request, "Renamed the cohort.")
        return HttpResponse(status=204, headers={"HX-Redirect": "/cohorts/"})

    def own_view(request):
        messages.error(request, "PostHog refused the filter.")
        return HttpResponse("fragment")

    first = factory.post("/cohorts/1/", **HTMX)
    first.htmx = True
    answered = _through_middleware(first, earlier_view)
    cookies = answered.cookies

    second = factory.get("/cohorts/1/fragment/", **HTMX)
    second.htmx = True
    second.COOKIES = {name: morsel.value for name, morsel in cookies.items()}
    fragment = _through_middleware(second, own_view)
    cookies.update(fragment.cookies)

    page = factory.get("/cohorts/")
    page.htmx = False
    page.COOKIES = {name: morsel.value for name, morsel in cookies.items()}
    shown: list[str] = []

    def full_page(request):
        shown.extend(str(message) for message in messages.get_messages(request))
        return HttpResponse("page")

    _through_middleware(page, full_page)
    assert toasts_of(answered) == [] and toasts_of(fragment) == ["PostHog refused the filter."]
    assert shown == ["Renamed the cohort."]
