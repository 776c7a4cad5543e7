"""Every write the portal accepts, sent by a signed-in Admin's browser without a CSRF token or with a forged one:
refused, and nothing reaches PostHog."""

import pytest
from django.conf import settings
from django.test import Client

from tests.security.urls import seed_ids, url_cases

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.profiles("current", reason="CSRF checks are the portal's own: one PostHog version proves them"),
]
FORGED = "forged" * 8  # a well-formed token the server never issued
# A body a write would accept, so that only the token stands between the request and PostHog.
BODY = {"name": "CSRF", "label": "CSRF", "confirm": "on", "note": "CSRF", "content": "CSRF"}


def test_every_write_without_a_valid_token_is_refused(admin_user, demo_connection, simulator, viewer):
    writes = [
        case
        for case in url_cases(ids=seed_ids(simulator=simulator, connection=demo_connection, person=viewer))
        if case.writes
    ]
    simulator.requests_clear()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)
    failures = []
    for case in writes:
        attempts = {
            "no token": browser.post(case.url, BODY),
            "no token (htmx)": browser.post(case.url, BODY, HTTP_HX_REQUEST="true"),
        }
        # The cookie holds one secret and the form or header another: the double submit does not match.
        browser.cookies[settings.CSRF_COOKIE_NAME] = "cookie" * 8
        attempts["forged field"] = browser.post(case.url, {**BODY, "csrfmiddlewaretoken": FORGED})
        attempts["forged header (htmx)"] = browser.post(case.url, BODY, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=FORGED)
        del browser.cookies[settings.CSRF_COOKIE_NAME]
        for attempt, response in attempts.items():
            if response.status_code != 403:
                failures.append(f"POST {case.url} ({case.name}) with {attempt} answered {response.status_code}")
    assert len(writes) >= 60, f"only {len(writes)} writes found"
    assert not failures, "\n".join(failures)
    writes_seen = [f"{r['method']} {r['path']}" for r in simulator.requests() if r["method"] not in ("GET", "HEAD")]
    assert writes_seen == []
