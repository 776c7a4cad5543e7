"""An upstream failure is a message on the page, never a 500."""

import pytest
import responses
from django.urls import reverse

pytestmark = pytest.mark.django_db
PROJECT_URL = "https://posthog.example.test/api/projects/1/"


@pytest.fixture
def signed_in(client_as, viewer, connection):
    return client_as(viewer)


@responses.activate
def test_project_card_shows_the_project(signed_in):
    responses.get(PROJECT_URL, json={"id": 1, "name": "Web <script>alert(1)</script>", "timezone": "UTC"})
    page = signed_in.get(reverse("project_summary"), HTTP_HX_REQUEST="true").content.decode()
    assert "Web &lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (
            401,
            {"type": "authentication_error", "code": "authentication_failed", "detail": "Invalid key"},
            "PostHog rejected the API key",
        ),
        (
            403,
            {
                "type": "invalid_request",
                "code": "permission_denied",
                "detail": "API key missing required scope 'project:read'",
            },
            "lacks the scope “project:read”",
        ),
        (
            403,
            {
                "type": "authentication_error",
                "code": "permission_denied",
                "detail": "This action does not support personal API key access",
            },
            "does not accept personal API keys for this action",
        ),
        (404, {"type": "invalid_request", "code": "not_found", "detail": "Not found."}, "could not find this object"),
        (405, b"", "does not allow this operation"),
        (
            409,
            {"type": "invalid_request", "code": "conflict", "detail": "Conflict"},
            "conflicts with the current state",
        ),
        (
            429,
            {
                "type": "throttled_error",
                "code": "throttled",
                "detail": "Request was throttled. Expected available in 59 seconds.",
            },
            "try again in 59 seconds",
        ),
        (500, "<html>Internal error</html>", "internal error"),
        (200, "{not json", "could not understand"),
    ],
)
@responses.activate
def test_every_upstream_failure_is_explained(signed_in, status, body, message):
    kwargs = {"json": body} if isinstance(body, dict) else {"body": body}
    responses.get(PROJECT_URL, status=status, **kwargs)

    fragment = signed_in.get(reverse("project_summary"), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert message in fragment.content.decode()
    assert "toasts" in fragment["HX-Trigger"]

    page = signed_in.get(reverse("project_summary"))
    # A refusal or a missing object is what PostHog answered, said as such; only a failure to answer is a 502.
    status_and_heading = {
        403: (403, "PostHog refused what this page needs"),
        404: (404, "Not found in PostHog"),
    }.get(status, (502, "This page needs PostHog, which could not answer"))
    assert (page.status_code, status_and_heading[1] in page.content.decode()) == (status_and_heading[0], True)
    assert message in page.content.decode()
    assert "save-view-open" not in page.content.decode()  # nothing on the page to keep as a view
    # Asking again finds the same nothing: a missing object offers the way back instead.
    assert ("Try again" in page.content.decode()) == (status != 404)
    assert ("Back to the overview" in page.content.decode()) == (status == 404)


@responses.activate
def test_throttling_beyond_the_cap_fails_fast_instead_of_hanging(signed_in):
    responses.get(
        PROJECT_URL,
        status=429,
        headers={"Retry-After": "120"},
        json={"type": "throttled_error", "detail": "Request was throttled."},
    )
    page = signed_in.get(reverse("project_summary"), HTTP_HX_REQUEST="true").content.decode()
    assert "try again in 120 seconds" in page
    assert len(responses.calls) == 1


@responses.activate
def test_a_passing_server_error_is_retried_for_reads(signed_in, settings):
    settings.POSTHOG_MAX_RETRY_WAIT = 2
    responses.get(PROJECT_URL, status=503)
    responses.get(PROJECT_URL, json={"id": 1, "name": "Web"})
    page = signed_in.get(reverse("project_summary"), HTTP_HX_REQUEST="true").content.decode()
    assert "Web" in page and len(responses.calls) == 2


@responses.activate
def test_scope_picker_keeps_working_when_posthog_fails(signed_in):
    responses.get("https://posthog.example.test/api/organizations/org-1/projects/", status=503)
    page = signed_in.get(reverse("connections:scope"), HTTP_HX_REQUEST="true").content.decode()
    assert "lists unavailable" in page and 'value="1"' in page


@responses.activate
def test_scope_picker_lists_projects_and_environments(signed_in):
    responses.get(
        "https://posthog.example.test/api/organizations/org-1/projects/",
        json={
            "count": 2,
            "next": None,
            "previous": None,
            "results": [{"id": 1, "name": "Web"}, {"id": 2, "name": "App"}],
        },
    )
    responses.get(
        "https://posthog.example.test/api/projects/1/environments/",
        json={"count": 1, "next": None, "previous": None, "results": [{"id": 1, "name": "Production"}]},
    )
    page = signed_in.get(reverse("connections:scope"), HTTP_HX_REQUEST="true").content.decode()
    assert '<option value="1" selected>Web</option>' in page and '<option value="2">App</option>' in page
    assert "Production" in page
