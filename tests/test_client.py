"""Tests for the PostHog HTTP client and its error mapping (no Django needed)."""

from __future__ import annotations

import json
import logging
import pickle
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import responses

from apps.posthog.client import DEFAULT_TIMEOUT, POOL_SIZE, PostHogClient, WriteRecord, api_path
from apps.posthog.errors import (
    AccessLevelInsufficient,
    AuthenticationFailed,
    BadResponse,
    Conflict,
    EndpointNotFound,
    MethodNotAllowed,
    MissingScope,
    NotFound,
    PaymentRequired,
    PermissionDenied,
    PersonalKeyRefused,
    PostHogError,
    ServerError,
    Throttled,
    Unreachable,
    UpstreamTimeout,
    ValidationError,
    error_from_response,
)
from tests.fake_posthog import fake_posthog

HOST = "https://us.posthog.com"
KEY = "phx_SuperSecretKey1234567890abcdef"
PROJECT = HOST + "/api/projects/1/"


class SleepRecorder:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def make_client(sleeps: SleepRecorder) -> Callable[..., PostHogClient]:
    def factory(**overrides: Any) -> PostHogClient:
        options: dict[str, Any] = {"host": HOST, "api_key": KEY, "sleep": sleeps}
        options.update(overrides)
        return PostHogClient(**options)

    return factory


@pytest.fixture
def client(make_client: Callable[..., PostHogClient]) -> PostHogClient:
    return make_client()


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


# Headers, paths, hosts ----------------------------------------------------------------------


def test_sends_bearer_user_agent_and_accept(client: PostHogClient, mocked: responses.RequestsMock) -> None:
    mocked.get(PROJECT, json={"id": 1})

    assert client.get(api_path("projects", 1)) == {"id": 1}

    headers = mocked.calls[0].request.headers
    assert headers["Authorization"] == f"Bearer {KEY}"
    assert headers["User-Agent"] == "posthog-ops-portal/0.1"
    assert headers["Accept"] == "application/json"


def test_custom_user_agent_and_given_session_are_used(mocked: responses.RequestsMock) -> None:
    session = requests.Session()
    client = PostHogClient(host=HOST, api_key=KEY, session=session, user_agent="ua-test/9")
    mocked.get(PROJECT, json={})

    client.get("/api/projects/1/")

    assert client.session is session
    assert mocked.calls[0].request.headers["User-Agent"] == "ua-test/9"


def test_default_session_has_connection_pool(client: PostHogClient) -> None:
    adapter = client.session.get_adapter(HOST)
    # Room for a page's parallel reads (apps/core/parallel.py) on several server threads at once.
    assert adapter._pool_maxsize == POOL_SIZE >= 16  # type: ignore[attr-defined]
    assert adapter.max_retries.total == 0  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("segments", "expected"),
    [
        (("projects", 1, "plugin_configs"), "/api/projects/1/plugin_configs/"),
        (("projects", 1), "/api/projects/1/"),
        (("api", "projects", 1), "/api/projects/1/"),
        (("organizations", "@current", "roles"), "/api/organizations/@current/roles/"),
        (("projects", 1, "cohorts", "a b?c#d"), "/api/projects/1/cohorts/a%20b%3Fc%23d/"),
        (("projects", "1/../2"), "/api/projects/1%2F..%2F2/"),
        (("projects", "..", "x"), "/api/projects/%2E%2E/x/"),
        (("projects", 1, "cohorts/"), "/api/projects/1/cohorts/"),
    ],
)
def test_api_path(segments: tuple[str | int, ...], expected: str) -> None:
    assert api_path(*segments) == expected


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("https://eu.posthog.com/", "https://eu.posthog.com/api/projects/1/"),
        ("https://ph.example.org/posthog/", "https://ph.example.org/posthog/api/projects/1/"),
        ("http://localhost:8010", "http://localhost:8010/api/projects/1/"),
        ("ph.example.org", "https://ph.example.org/api/projects/1/"),
    ],
)
def test_host_is_normalised(host: str, url: str, mocked: responses.RequestsMock) -> None:
    mocked.get(url, json={"id": 1})
    client = PostHogClient(host=host, api_key=KEY)

    assert client.get(api_path("projects", 1)) == {"id": 1}


def test_rejects_unusable_host() -> None:
    with pytest.raises(ValueError):
        PostHogClient(host="ftp://example.org", api_key=KEY)


def test_default_timeout_is_passed(client: PostHogClient, mocked: responses.RequestsMock) -> None:
    mocked.get(PROJECT, json={})
    client.get(api_path("projects", 1))
    assert DEFAULT_TIMEOUT == (3.05, 10.0)
    assert mocked.calls[0].request.req_kwargs["timeout"] == (3.05, 10.0)


def test_empty_bodies_return_none(client: PostHogClient, mocked: responses.RequestsMock) -> None:
    mocked.delete(PROJECT + "plugin_configs/5/", status=204)
    mocked.post(PROJECT + "plugin_configs/rearrange/", status=200, body="")

    assert client.delete(api_path("projects", 1, "plugin_configs", 5)) is None
    assert client.post(api_path("projects", 1, "plugin_configs", "rearrange"), json={"orders": {}}) is None
    assert json.loads(mocked.calls[1].request.body) == {"orders": {}}


# Error mapping -------------------------------------------------------------------------------


def _error_for(
    status: int, body: Any = None, *, text: str | None = None, headers: dict[str, str] | None = None
) -> PostHogError:
    response = requests.Response()
    response.status_code = status
    if text is not None:
        response._content = text.encode()
    elif body is not None:
        response._content = json.dumps(body).encode()
    else:
        response._content = b""
    response.headers.update(headers or {})
    response.encoding = "utf-8"
    return error_from_response(response)


@pytest.mark.parametrize(
    ("status", "body", "cls", "detail", "attr", "code"),
    [
        (
            400,
            {
                "type": "validation_error",
                "code": "invalid_input",
                "detail": "Must be a list.",
                "attr": "filters__properties",
            },
            ValidationError,
            "Must be a list.",
            "filters__properties",
            "invalid_input",
        ),
        (
            401,
            {
                "type": "authentication_error",
                "code": "authentication_failed",
                "detail": "Personal API key is invalid.",
                "attr": None,
            },
            AuthenticationFailed,
            "Personal API key is invalid.",
            None,
            "authentication_failed",
        ),
        (
            403,
            {
                "type": "invalid_request",
                "code": "permission_denied",
                "detail": "API key missing required scope 'plugin:write'",
                "attr": None,
            },
            MissingScope,
            "API key missing required scope 'plugin:write'",
            None,
            "permission_denied",
        ),
        (
            403,
            {
                "type": "authentication_error",
                "code": "permission_denied",
                "detail": "This action does not support personal API key access",
                "attr": None,
            },
            PersonalKeyRefused,
            "This action does not support personal API key access",
            None,
            "permission_denied",
        ),
        (  # older PostHog words it with capitals
            403,
            {"detail": "This action does not support Personal API Key access"},
            PersonalKeyRefused,
            "This action does not support Personal API Key access",
            None,
            None,
        ),
        (
            403,
            {"detail": "Your organization's plugin access level is insufficient."},
            AccessLevelInsufficient,
            "Your organization's plugin access level is insufficient.",
            None,
            None,
        ),
        (403, {"detail": "You do not have permission."}, PermissionDenied, "You do not have permission.", None, None),
        (
            404,
            {"type": "invalid_request", "code": "not_found", "detail": "Endpoint not found.", "attr": None},
            EndpointNotFound,
            "Endpoint not found.",
            None,
            "not_found",
        ),
        (
            404,
            {"type": "invalid_request", "code": "not_found", "detail": "Not found.", "attr": None},
            NotFound,
            "Not found.",
            None,
            "not_found",
        ),
        (405, None, MethodNotAllowed, MethodNotAllowed.default_detail, None, None),
        (409, {"detail": "Label already exists."}, Conflict, "Label already exists.", None, None),
        (402, {"detail": "Upgrade required."}, PaymentRequired, "Upgrade required.", None, None),
        (
            400,
            {"error": "Sharing is disabled for this project."},
            ValidationError,
            "Sharing is disabled for this project.",
            None,
            None,
        ),
        (400, {"name": ["This field is required."]}, ValidationError, "This field is required.", "name", None),
        (
            400,
            {"filters": {"events": ["Not a valid list."]}},
            ValidationError,
            "Not a valid list.",
            "filters__events",
            None,
        ),
        (400, {"non_field_errors": ["Bad combination."]}, ValidationError, "Bad combination.", None, None),
        (400, ["Cannot delete a global plugin."], ValidationError, "Cannot delete a global plugin.", None, None),
        (503, {"detail": "Service unavailable."}, ServerError, "Service unavailable.", None, None),
        (418, {"detail": "I'm a teapot."}, PostHogError, "I'm a teapot.", None, None),
    ],
)
def test_error_shapes(
    status: int, body: Any, cls: type[PostHogError], detail: str, attr: str | None, code: str | None
) -> None:
    error = _error_for(status, body)

    assert type(error) is cls
    assert error.status == status
    assert error.detail == detail
    assert error.attr == attr
    assert error.code == code


def test_html_500_keeps_a_short_tag_free_detail() -> None:
    html = "<html><head><title>Server Error</title></head><body>" + "x" * 500 + "</body></html>"
    error = _error_for(500, text=html)

    assert isinstance(error, ServerError)
    assert error.detail.startswith("Server Error")
    assert "<" not in error.detail
    assert len(error.detail) <= 200
    assert "HTTP 500" in error.user_message


def test_html_on_a_4xx_is_not_used_as_detail() -> None:
    error = _error_for(404, text="<html><body>nginx 404 page</body></html>")

    assert isinstance(error, NotFound)
    assert error.detail == NotFound.default_detail


def test_unknown_status_with_text_keeps_text() -> None:
    error = _error_for(418, text="short and stout")
    assert type(error) is PostHogError
    assert error.detail == "short and stout"


def test_user_messages() -> None:
    validation = _error_for(
        400,
        {"type": "validation_error", "code": "required", "detail": "This field is required.", "attr": "config__url"},
    )
    assert "config → url" in validation.user_message
    assert "This field is required." in validation.user_message

    assert _error_for(401, {"detail": "Invalid key."}).user_message.startswith("PostHog rejected the API key")
    denied = _error_for(403, {"detail": "API key missing required scope 'cohort:write'"})
    assert "scope" in denied.user_message and "cohort:write" in denied.user_message
    assert "could not find" in _error_for(404).user_message
    assert "does not allow" in _error_for(405).user_message
    assert "conflicts" in _error_for(409, {"detail": "x"}).user_message
    assert "plan" in _error_for(402).user_message

    assert UpstreamTimeout(seconds=10.0).user_message.startswith("PostHog did not answer within 10 seconds")
    unreachable = Unreachable(host="ph.example.org", reason="connection refused")
    assert "ph.example.org" in unreachable.user_message and "connection refused" in unreachable.user_message
    assert "could not understand" in BadResponse("Expected JSON").user_message

    # PostHog's answer to any unhandled exception adds nothing to "internal error"; a specific one is quoted.
    generic = _error_for(500, {"type": "server_error", "detail": "A server error occurred."}).user_message
    assert generic == "PostHog had an internal error (HTTP 500); try again in a moment."
    assert "PostHog said: “ClickHouse is down”" in _error_for(500, {"detail": "ClickHouse is down"}).user_message


def test_throttled_wait_from_header_or_detail() -> None:
    detail = {
        "type": "throttled_error",
        "code": "throttled",
        "detail": "Request was throttled. Expected available in 59 seconds.",
        "attr": None,
    }

    from_detail = _error_for(429, detail)
    from_header = _error_for(429, detail, headers={"Retry-After": "7"})
    from_date = _error_for(429, {"detail": "slow down"}, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})

    assert isinstance(from_detail, Throttled) and from_detail.retry_after == 59.0
    assert from_detail.user_message == "PostHog is rate-limiting requests from this API key; try again in 59 seconds."
    assert isinstance(from_header, Throttled) and from_header.retry_after == 7.0
    assert isinstance(from_date, Throttled) and from_date.retry_after == 0.0
    assert _error_for(429, {"detail": "slow down"}).retry_after is None  # type: ignore[attr-defined]


def test_errors_survive_pickling() -> None:
    error = _error_for(429, {"detail": "Expected available in 12 seconds."})
    clone = pickle.loads(pickle.dumps(error))

    assert type(clone) is Throttled
    assert (clone.status, clone.detail, clone.retry_after) == (429, error.detail, 12.0)
    unreachable = pickle.loads(pickle.dumps(Unreachable(host="h", reason="r")))
    assert unreachable.host == "h" and unreachable.user_message == Unreachable(host="h", reason="r").user_message


def test_client_raises_mapped_error_with_detail(client: PostHogClient, mocked: responses.RequestsMock) -> None:
    mocked.patch(
        PROJECT + "annotations/3/",
        status=400,
        json={"type": "validation_error", "code": "invalid_input", "detail": "Bad date.", "attr": "date_marker"},
    )

    with pytest.raises(ValidationError) as caught:
        client.patch(api_path("projects", 1, "annotations", 3), json={"date_marker": "x"})

    assert caught.value.attr == "date_marker"
    assert caught.value.detail == "Bad date."


def test_annotation_delete_405_without_body(client: PostHogClient, mocked: responses.RequestsMock) -> None:
    mocked.delete(PROJECT + "annotations/3/", status=405, body="")

    with pytest.raises(MethodNotAllowed) as caught:
        client.delete(api_path("projects", 1, "annotations", 3))

    assert caught.value.status == 405
    assert len(mocked.calls) == 1


def test_malformed_json_on_200_is_bad_response(client: PostHogClient, mocked: responses.RequestsMock) -> None:
    mocked.get(PROJECT, status=200, body="<html>login</html>", content_type="text/html")

    with pytest.raises(BadResponse) as caught:
        client.get(api_path("projects", 1))

    assert caught.value.status == 200
    assert "text/html" in caught.value.detail


# Retries ---------------------------------------------------------------------------------------


def test_get_retried_on_502_503_504_then_succeeds(
    client: PostHogClient, mocked: responses.RequestsMock, sleeps: SleepRecorder
) -> None:
    for status in (502, 503, 504):
        mocked.get(PROJECT, status=status, body="")
    mocked.get(PROJECT, json={"id": 1})

    assert client.get(api_path("projects", 1)) == {"id": 1}

    assert len(mocked.calls) == 4
    assert sleeps.calls == [0.5, 1.0, 2.0]


def test_put_is_retried_on_503(client: PostHogClient, mocked: responses.RequestsMock, sleeps: SleepRecorder) -> None:
    mocked.put(PROJECT, status=503, body="")
    mocked.put(PROJECT, json={"id": 1})

    assert client.put(api_path("projects", 1), json={"name": "x"}) == {"id": 1}
    assert sleeps.calls == [0.5]


def test_get_not_retried_on_plain_500(
    client: PostHogClient, mocked: responses.RequestsMock, sleeps: SleepRecorder
) -> None:
    mocked.get(PROJECT, status=500, json={"type": "server_error", "detail": "A server error occurred."})

    with pytest.raises(ServerError):
        client.get(api_path("projects", 1))

    assert len(mocked.calls) == 1
    assert sleeps.calls == []


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_non_idempotent_not_retried_on_503(
    method: str, client: PostHogClient, mocked: responses.RequestsMock, sleeps: SleepRecorder
) -> None:
    mocked.add(method, PROJECT + "cohorts/", status=503, body="")
    mocked.add(method, PROJECT + "cohorts/", json={"id": 9})

    with pytest.raises(ServerError) as caught:
        client.request(method, api_path("projects", 1, "cohorts"), json={"name": "c"})

    assert caught.value.status == 503
    assert len(mocked.calls) == 1
    assert sleeps.calls == []


def test_retries_give_up_after_max_retries(
    make_client: Callable[..., PostHogClient], mocked: responses.RequestsMock, sleeps: SleepRecorder
) -> None:
    mocked.get(PROJECT, status=503, body="")
    client = make_client(max_retries=2)

    with pytest.raises(ServerError):
        client.get(api_path("projects", 1))

    assert len(mocked.calls) == 3
    assert sleeps.calls == [0.5, 1.0]


def test_before_retry_is_told_of_each_retry_before_it_is_sent(
    make_client: Callable[..., PostHogClient], mocked: responses.RequestsMock, sleeps: SleepRecorder
) -> None:
    told: list[tuple[str, str, int | None, int]] = []
    mocked.get(PROJECT, status=503, body="")
    mocked.get(PROJECT, status=502, body="")
    mocked.get(PROJECT, json={"id": 1})
    client = make_client(
        before_retry=lambda method, path, error: told.append((method, path, error.status, len(mocked.calls)))
    )

    assert client.get(api_path("projects", 1)) == {"id": 1}

    assert told == [("GET", "/api/projects/1/", 503, 1), ("GET", "/api/projects/1/", 502, 2)]


def test_before_retry_refusing_ends_the_request_without_the_retry(
    make_client: Callable[..., PostHogClient], mocked: responses.RequestsMock, sleeps: SleepRecorder
) -> None:
    class Refused(Exception):
        pass

    def refuse(method: str, path: str, error: Exception) -> None:
        raise Refused

    mocked.get(PROJECT, status=503, body="")
    mocked.get(PROJECT, json={"id": 1})
    client = make_client(before_retry=refuse)

    with pytest.raises(Refused):
        client.get(api_path("projects", 1))

    assert len(mocked.calls) == 1
    assert sleeps.calls == []  # not even the wait before it


def test_backoff_stops_when_total_wait_cap_would_be_exceeded(
    make_client: Callable[..., PostHogClient], mocked: responses.RequestsMock, sleeps: SleepRecorder
) -> None:
    mocked.get(PROJECT, status=502, body="")
    client = make_client(backoff_base=3.0, max_total_wait=8.0, max_retries=5)

    with pytest.raises(ServerError):
        client.get(api_path("projects", 1))

    assert sleeps.calls == [3.0]  # the next wait (6 s) would bring the total to 9 s > 8 s
    assert len(mocked.calls) == 2


def test_429_honours_retry_after_even_for_post(
    client: PostHogClient, mocked: responses.RequestsMock, sleeps: SleepRecorder
) -> None:
    mocked.post(
        PROJECT + "cohorts/", status=429, json={"detail": "Request was throttled."}, headers={"Retry-After": "2"}
    )
    mocked.post(PROJECT + "cohorts/", json={"id": 9})

    assert client.post(api_path("projects", 1, "cohorts"), json={"name": "c"}) == {"id": 9}

    assert sleeps.calls == [2.0]
    assert len(mocked.calls) == 2


def test_429_without_retry_after_uses_detail_seconds(
    client: PostHogClient, mocked: responses.RequestsMock, sleeps: SleepRecorder
) -> None:
    mocked.get(
        PROJECT,
        status=429,
        json={
            "type": "throttled_error",
            "code": "throttled",
            "detail": "Request was throttled. Expected available in 3 seconds.",
            "attr": None,
        },
    )
    mocked.get(PROJECT, json={"id": 1})

    assert client.get(api_path("projects", 1)) == {"id": 1}
    assert sleeps.calls == [3.0]


def test_429_beyond_cap_raises_at_once(
    client: PostHogClient, mocked: responses.RequestsMock, sleeps: SleepRecorder
) -> None:
    mocked.get(
        PROJECT,
        status=429,
        json={
            "type": "throttled_error",
            "code": "throttled",
            "detail": "Request was throttled. Expected available in 59 seconds.",
            "attr": None,
        },
    )
    mocked.get(PROJECT, json={"id": 1})

    with pytest.raises(Throttled) as caught:
        client.get(api_path("projects", 1))

    assert caught.value.retry_after == 59.0
    assert "try again in 59 seconds" in caught.value.user_message
    assert sleeps.calls == []
    assert len(mocked.calls) == 1


def test_connection_error_retried_then_unreachable(
    client: PostHogClient, mocked: responses.RequestsMock, sleeps: SleepRecorder
) -> None:
    mocked.get(PROJECT, body=requests.ConnectionError("Connection refused"))

    with pytest.raises(Unreachable) as caught:
        client.get(api_path("projects", 1))

    assert len(mocked.calls) == 4
    assert sleeps.calls == [0.5, 1.0, 2.0]
    assert caught.value.host == "us.posthog.com"
    assert "us.posthog.com" in caught.value.user_message
    assert caught.value.reason == "connection refused"


def test_timeout_becomes_upstream_timeout(
    client: PostHogClient, mocked: responses.RequestsMock, sleeps: SleepRecorder
) -> None:
    mocked.get(PROJECT, body=requests.ReadTimeout("read timed out"))

    with pytest.raises(UpstreamTimeout) as caught:
        client.get(api_path("projects", 1))

    assert caught.value.seconds == 10.0
    assert "10 seconds" in caught.value.user_message
    assert len(mocked.calls) == 4


def test_post_timeout_not_retried(client: PostHogClient, mocked: responses.RequestsMock, sleeps: SleepRecorder) -> None:
    mocked.post(PROJECT + "cohorts/", body=requests.ConnectTimeout("connect timed out"))

    with pytest.raises(UpstreamTimeout) as caught:
        client.post(api_path("projects", 1, "cohorts"), json={})

    assert caught.value.seconds == 3.05
    assert len(mocked.calls) == 1
    assert sleeps.calls == []


def test_real_refused_port_is_unreachable() -> None:
    client = PostHogClient(host="http://127.0.0.1:9", api_key=KEY, max_retries=0, timeout=2.0)

    with pytest.raises(Unreachable) as caught:
        client.get(api_path("projects", 1))

    assert "127.0.0.1:9" in str(caught.value)
    assert KEY not in str(caught.value)


# Pagination ------------------------------------------------------------------------------------


def _page(url: str, offset: int, total: int, size: int, next_url: str | None) -> dict[str, Any]:
    return {
        "count": total,
        "next": next_url,
        "previous": None,
        "results": [{"id": i} for i in range(offset, min(offset + size, total))],
    }


def test_paginate_follows_absolute_next_urls(client: PostHogClient, mocked: responses.RequestsMock) -> None:
    url = PROJECT + "cohorts/"
    mocked.get(
        url,
        match=[responses.matchers.query_param_matcher({"limit": "2"})],
        json=_page(url, 0, 5, 2, url + "?limit=2&offset=2"),
    )
    mocked.get(
        url,
        match=[responses.matchers.query_param_matcher({"limit": "2", "offset": "2"})],
        json=_page(url, 2, 5, 2, url + "?limit=2&offset=4"),
    )
    mocked.get(
        url,
        match=[responses.matchers.query_param_matcher({"limit": "2", "offset": "4"})],
        json=_page(url, 4, 5, 2, None),
    )

    items = list(client.paginate(api_path("projects", 1, "cohorts"), params={"limit": 2}))

    assert [item["id"] for item in items] == [0, 1, 2, 3, 4]
    assert len(mocked.calls) == 3


def test_paginate_stops_at_max_items(client: PostHogClient, mocked: responses.RequestsMock) -> None:
    url = PROJECT + "cohorts/"
    mocked.get(url, match=[responses.matchers.query_param_matcher({})], json=_page(url, 0, 6, 2, url + "?offset=2"))
    mocked.get(
        url,
        match=[responses.matchers.query_param_matcher({"offset": "2"})],
        json=_page(url, 2, 6, 2, url + "?offset=4"),
    )

    items = list(client.paginate(api_path("projects", 1, "cohorts"), max_items=3))

    assert [item["id"] for item in items] == [0, 1, 2]
    assert len(mocked.calls) == 2


def test_paginate_accepts_plain_list(client: PostHogClient, mocked: responses.RequestsMock) -> None:
    mocked.get(PROJECT + "roles/", json=[{"id": "a"}, {"id": "b"}])
    assert list(client.paginate(api_path("projects", 1, "roles"))) == [{"id": "a"}, {"id": "b"}]


@pytest.mark.parametrize(
    "foreign",
    [
        "https://evil.example.com/api/projects/1/cohorts/?offset=2",
        "http://us.posthog.com/api/projects/1/cohorts/?offset=2",
        "https://us.posthog.com:8443/api/projects/1/cohorts/?offset=2",
    ],
)
def test_paginate_refuses_next_on_another_origin(
    foreign: str, client: PostHogClient, mocked: responses.RequestsMock
) -> None:
    url = PROJECT + "cohorts/"
    mocked.get(url, json=_page(url, 0, 4, 2, foreign))

    iterator = client.paginate(api_path("projects", 1, "cohorts"))
    assert [next(iterator)["id"], next(iterator)["id"]] == [0, 1]
    with pytest.raises(BadResponse):
        next(iterator)

    assert len(mocked.calls) == 1


def test_paginate_accepts_explicit_default_port(client: PostHogClient, mocked: responses.RequestsMock) -> None:
    url = PROJECT + "cohorts/"
    mocked.get(
        url,
        match=[responses.matchers.query_param_matcher({})],
        json=_page(url, 0, 3, 2, "https://US.posthog.com:443/api/projects/1/cohorts/?offset=2"),
    )
    mocked.get(
        "https://US.posthog.com:443/api/projects/1/cohorts/",
        match=[responses.matchers.query_param_matcher({"offset": "2"})],
        json=_page(url, 2, 3, 2, None),
    )

    assert [item["id"] for item in client.paginate(api_path("projects", 1, "cohorts"))] == [0, 1, 2]


def test_paginate_detects_a_loop(client: PostHogClient, mocked: responses.RequestsMock) -> None:
    url = PROJECT + "cohorts/"
    mocked.get(url, json=_page(url, 0, 10, 2, url + "?offset=2"))

    with pytest.raises(BadResponse):
        list(client.paginate(api_path("projects", 1, "cohorts")))


def test_paginate_rejects_non_list_payload(client: PostHogClient, mocked: responses.RequestsMock) -> None:
    mocked.get(PROJECT + "cohorts/", json={"detail": "odd"})
    with pytest.raises(BadResponse):
        list(client.paginate(api_path("projects", 1, "cohorts")))


def test_paginate_cursor(client: PostHogClient, mocked: responses.RequestsMock) -> None:
    url = PROJECT + "groups/"
    first = {"group_type_index": "0"}
    mocked.get(
        url,
        match=[responses.matchers.query_param_matcher(first)],
        json={
            "next": url + "?group_type_index=0&cursor=abc",
            "previous": None,
            "results": [{"group_key": "g3"}, {"group_key": "g2"}],
        },
    )
    mocked.get(
        url,
        match=[responses.matchers.query_param_matcher({**first, "cursor": "abc"})],
        json={"next": None, "previous": url + "?cursor=zzz", "results": [{"group_key": "g1"}]},
    )

    keys = [
        group["group_key"]
        for group in client.paginate_cursor(api_path("projects", 1, "groups"), params={"group_type_index": 0})
    ]

    assert keys == ["g3", "g2", "g1"]


def test_paginate_cursor_refuses_foreign_host(client: PostHogClient, mocked: responses.RequestsMock) -> None:
    url = PROJECT + "groups/"
    mocked.get(url, json={"next": "https://elsewhere.example/api/?cursor=abc", "previous": None, "results": []})

    with pytest.raises(BadResponse):
        list(client.paginate_cursor(api_path("projects", 1, "groups")))


def test_paginate_with_path_prefix_host(mocked: responses.RequestsMock) -> None:
    base = "https://ph.example.org/posthog/api/projects/1/cohorts/"
    client = PostHogClient(host="https://ph.example.org/posthog/", api_key=KEY)
    mocked.get(base, match=[responses.matchers.query_param_matcher({})], json=_page(base, 0, 3, 2, base + "?offset=2"))
    mocked.get(base, match=[responses.matchers.query_param_matcher({"offset": "2"})], json=_page(base, 2, 3, 2, None))

    assert len(list(client.paginate(api_path("projects", 1, "cohorts")))) == 3


# Write records -----------------------------------------------------------------------------------


def test_on_write_records_successful_post(
    make_client: Callable[..., PostHogClient], mocked: responses.RequestsMock
) -> None:
    records: list[WriteRecord] = []
    client = make_client(on_write=records.append)
    mocked.post(PROJECT + "secret_api_keys/", status=201, json={"id": "k1", "value": "phs_raw"})

    result = client.post(api_path("projects", 1, "secret_api_keys"), json={"label": "ci"})

    assert result == {"id": "k1", "value": "phs_raw"}
    assert len(records) == 1
    record = records[0]
    assert (record.method, record.path, record.status) == ("POST", "/api/projects/1/secret_api_keys/", 201)
    assert record.body == {"label": "ci"}
    assert record.response == {"id": "k1", "value": "phs_raw"}  # raw: masking is the caller's job
    assert record.error is None and record.before is None
    assert record.duration_ms >= 0


def test_on_write_records_failed_patch(
    make_client: Callable[..., PostHogClient], mocked: responses.RequestsMock
) -> None:
    records: list[WriteRecord] = []
    client = make_client(on_write=records.append)
    mocked.patch(
        PROJECT + "cohorts/4/",
        status=403,
        json={
            "type": "invalid_request",
            "code": "permission_denied",
            "detail": "API key missing required scope 'cohort:write'",
            "attr": None,
        },
    )

    with pytest.raises(PermissionDenied) as caught:
        client.patch(api_path("projects", 1, "cohorts", 4), json={"deleted": True})

    assert len(records) == 1
    assert records[0].error is caught.value
    assert records[0].status == 403
    assert records[0].response is None


def test_on_write_called_once_after_retries(
    make_client: Callable[..., PostHogClient], mocked: responses.RequestsMock
) -> None:
    records: list[WriteRecord] = []
    client = make_client(on_write=records.append)
    mocked.delete(PROJECT + "plugin_configs/5/", status=503, body="")
    mocked.delete(PROJECT + "plugin_configs/5/", status=204)

    client.delete(api_path("projects", 1, "plugin_configs", 5))

    assert [(r.method, r.status, r.error) for r in records] == [("DELETE", 204, None)]


def test_capture_before_fetches_the_object(
    make_client: Callable[..., PostHogClient], mocked: responses.RequestsMock
) -> None:
    records: list[WriteRecord] = []
    client = make_client(on_write=records.append)
    url = PROJECT + "plugin_configs/5/"
    mocked.get(url, json={"id": 5, "enabled": True})
    mocked.patch(url, json={"id": 5, "enabled": False})

    client.patch(api_path("projects", 1, "plugin_configs", 5), json={"enabled": False}, capture_before=True)

    assert [call.request.method for call in mocked.calls] == ["GET", "PATCH"]
    assert records[0].before == {"id": 5, "enabled": True}
    assert records[0].response == {"id": 5, "enabled": False}


def test_a_measurement_posthog_computes_for_reads_only_is_not_recorded_as_changed(
    make_client: Callable[..., PostHogClient], mocked: responses.RequestsMock
) -> None:
    """PostHog answers a config's delivery rate to list and retrieve, and null to a write (posthog/api/plugin.py
    get_delivery_rate_24h): the record of the write must not claim the rate changed."""
    records: list[WriteRecord] = []
    client = make_client(on_write=records.append)
    url = PROJECT + "plugin_configs/5/"
    mocked.get(url, json={"id": 5, "enabled": True, "delivery_rate_24h": 0.98})
    mocked.patch(url, json={"id": 5, "enabled": False, "delivery_rate_24h": None})

    answer = client.patch(
        api_path("projects", 1, "plugin_configs", 5),
        json={"enabled": False},
        capture_before=True,
        measured=frozenset({"delivery_rate_24h"}),
    )

    assert answer["delivery_rate_24h"] is None  # the caller still gets PostHog's whole answer
    assert records[0].before == {"id": 5, "enabled": True}
    assert records[0].response == {"id": 5, "enabled": False}


def test_capture_before_failure_is_swallowed_with_single_attempt(
    make_client: Callable[..., PostHogClient], mocked: responses.RequestsMock, sleeps: SleepRecorder
) -> None:
    records: list[WriteRecord] = []
    client = make_client(on_write=records.append)
    url = PROJECT + "plugin_configs/5/"
    mocked.get(url, status=503, body="")
    mocked.delete(url, status=204)

    client.delete(api_path("projects", 1, "plugin_configs", 5), capture_before=True)

    assert [call.request.method for call in mocked.calls] == ["GET", "DELETE"]
    assert sleeps.calls == []
    assert records[0].before is None


def test_capture_before_ignored_for_post(
    make_client: Callable[..., PostHogClient], mocked: responses.RequestsMock
) -> None:
    records: list[WriteRecord] = []
    client = make_client(on_write=records.append)
    mocked.post(PROJECT + "cohorts/", json={"id": 1})

    client.post(api_path("projects", 1, "cohorts"), json={}, capture_before=True)

    assert [call.request.method for call in mocked.calls] == ["POST"]


def test_get_does_not_call_on_write(make_client: Callable[..., PostHogClient], mocked: responses.RequestsMock) -> None:
    records: list[WriteRecord] = []
    client = make_client(on_write=records.append)
    mocked.get(PROJECT, json={})

    client.get(api_path("projects", 1))

    assert records == []


def test_on_write_failure_propagates(make_client: Callable[..., PostHogClient], mocked: responses.RequestsMock) -> None:
    def broken(record: WriteRecord) -> None:
        raise RuntimeError("audit store down")

    client = make_client(on_write=broken)
    mocked.post(PROJECT + "cohorts/", json={"id": 1})

    with pytest.raises(RuntimeError, match="audit store down"):
        client.post(api_path("projects", 1, "cohorts"), json={})


# Logging and secrecy -------------------------------------------------------------------------------


def test_one_info_line_per_attempt_without_query(
    client: PostHogClient, mocked: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    mocked.get(PROJECT + "plugin_configs/5/logs/", status=503, body="")
    mocked.get(PROJECT + "plugin_configs/5/logs/", json={"results": []})
    caplog.set_level(logging.INFO, logger="portal.posthog")

    client.get(api_path("projects", 1, "plugin_configs", 5, "logs"), params={"search": "token=abc"})

    lines = [r for r in caplog.records if r.name == "portal.posthog"]
    assert len(lines) == 2
    assert all(r.levelno == logging.INFO for r in lines)
    first, second = (r.getMessage() for r in lines)
    assert "GET /api/projects/1/plugin_configs/5/logs/" in first and "503" in first and "attempt 1" in first
    assert "200" in second and "attempt 2" in second
    assert all("token=abc" not in r.getMessage() for r in lines)


def test_error_class_is_logged_for_transport_failures(
    make_client: Callable[..., PostHogClient], mocked: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(max_retries=0)
    mocked.get(PROJECT, body=requests.ReadTimeout("slow"))
    caplog.set_level(logging.INFO, logger="portal.posthog")

    with pytest.raises(UpstreamTimeout):
        client.get(api_path("projects", 1))

    assert "UpstreamTimeout" in caplog.records[-1].getMessage()


def test_key_is_never_in_repr_errors_or_logs(
    client: PostHogClient, mocked: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    mocked.get(PROJECT + "a/", status=401, json={"detail": f"Key {KEY} is invalid."})
    mocked.get(PROJECT + "b/", status=200, body=f"<p>token {KEY}</p>")
    mocked.get(PROJECT + "c/", status=500, body=f"<h1>boom {KEY}</h1>")
    mocked.get(PROJECT + "d/", body=requests.ConnectionError("Name or service not known"))
    mocked.get(PROJECT + "e/", body=requests.ReadTimeout("timed out"))
    mocked.get(PROJECT + "f/", status=429, json={"detail": "Expected available in 59 seconds."})

    errors: list[PostHogError] = []
    for name in "abcdef":
        with pytest.raises(PostHogError) as caught:
            client.get(api_path("projects", 1, name))
        errors.append(caught.value)

    assert [type(e) for e in errors] == [
        AuthenticationFailed,
        BadResponse,
        ServerError,
        Unreachable,
        UpstreamTimeout,
        Throttled,
    ]
    assert errors[3].reason == "DNS lookup failed"  # type: ignore[attr-defined]
    for error in errors:
        assert KEY not in str(error) and KEY not in repr(error) and KEY not in error.user_message
    assert KEY not in repr(client) and KEY not in str(client)
    assert repr(client) == "PostHogClient(host='https://us.posthog.com')"
    assert all(KEY not in repr(value) for value in vars(client).values() if value is not client.session)
    assert caplog.records
    for record in caplog.records:
        assert KEY not in record.getMessage()


def test_key_absent_from_urllib3_debug_logs_over_real_http(
    sleeps: SleepRecorder, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="urllib3")
    routes = {"/api/projects/1/": (200, {"detail": "nope"}), "/api/fail/": (500, {"detail": "nope"})}
    with fake_posthog(routes) as fake:
        client = PostHogClient(host=fake.url, api_key=KEY, sleep=sleeps, max_retries=0)
        assert client.get(api_path("projects", 1), params={"limit": 1}) == {"detail": "nope"}
        with pytest.raises(ServerError) as caught:
            client.get(api_path("fail"))

    assert fake.seen_authorization == [f"Bearer {KEY}"] * 2
    assert any(r.name.startswith("urllib3") for r in caplog.records)
    for record in caplog.records:
        assert KEY not in record.getMessage()
    assert KEY not in str(caught.value)


@responses.activate
def test_files_go_as_multipart_beside_json_encoded_fields_and_the_audit_keeps_only_their_size(
    make_client: Callable[..., PostHogClient],
) -> None:
    responses.add(responses.POST, HOST + "/api/projects/1/plugin_configs/", json={"id": 9}, status=201)
    records: list[WriteRecord] = []
    client = make_client(on_write=records.append)
    client.post(
        "/api/projects/1/plugin_configs/",
        json={"plugin": 3, "enabled": True, "config": {"bucket": "b"}},
        files={"add_attachment[key]": ("key.json", b'{"private_key": "xyz"}', "application/json")},
    )
    sent = responses.calls[0].request
    assert sent.headers["Content-Type"].startswith("multipart/form-data")
    assert b'name="config"\r\n\r\n{"bucket": "b"}' in sent.body and b'name="enabled"\r\n\r\ntrue' in sent.body
    assert b'filename="key.json"' in sent.body
    assert records[0].body["add_attachment[key]"] == "<file 'key.json', 22 bytes>"
    assert "xyz" not in json.dumps(records[0].body)


@responses.activate
def test_form_sends_multipart_without_any_file_and_none_as_an_empty_part(
    make_client: Callable[..., PostHogClient],
) -> None:
    responses.add(responses.PATCH, HOST + "/api/projects/1/plugin_configs/9/", json={"id": 9})
    make_client().patch(
        "/api/projects/1/plugin_configs/9/", json={"config": {"bucket": "b"}, "name": None, "order": 3}, form=True
    )
    sent = responses.calls[0].request
    assert sent.headers["Content-Type"].startswith("multipart/form-data")
    assert b'name="config"\r\n\r\n{"bucket": "b"}' in sent.body and b'name="order"\r\n\r\n3' in sent.body
    assert b'name="name"\r\n\r\n\r\n' in sent.body and b"filename=" not in sent.body


@responses.activate
def test_every_answer_is_told_to_on_answer_with_the_failing_request_on_the_error(
    make_client: Callable[..., PostHogClient],
) -> None:
    wall = {"detail": "This action does not support personal API key access"}
    responses.add(responses.GET, PROJECT + "plugin_configs/", json={"results": []})
    responses.add(responses.PATCH, PROJECT + "plugin_configs/rearrange/", status=403, json=wall)
    told: list[tuple] = []
    client = make_client(on_answer=lambda method, path, error: told.append((method, path, type(error).__name__)))
    client.get(api_path("projects", 1, "plugin_configs"))
    with pytest.raises(PersonalKeyRefused) as caught:
        client.patch(api_path("projects", 1, "plugin_configs", "rearrange"), json={"orders": {}})
    assert told == [
        ("GET", "/api/projects/1/plugin_configs/", "NoneType"),
        ("PATCH", "/api/projects/1/plugin_configs/rearrange/", "PersonalKeyRefused"),
    ]
    assert (caught.value.method, caught.value.path) == ("PATCH", "/api/projects/1/plugin_configs/rearrange/")
    assert "whatever the key's scopes" in caught.value.user_message


@responses.activate
def test_a_failing_on_answer_hook_never_hides_posthogs_answer(make_client: Callable[..., PostHogClient]) -> None:
    responses.add(responses.GET, PROJECT, json={"id": 1})

    def broken(method, path, error):
        raise RuntimeError("the capabilities table is locked")

    assert make_client(on_answer=broken).get(api_path("projects", 1)) == {"id": 1}


@responses.activate
def test_get_text_returns_what_is_not_json(make_client: Callable[..., PostHogClient]) -> None:
    script = "export function getFrontendApp () { return {} }"
    responses.add(responses.GET, HOST + "/api/x/", body=script, content_type="application/javascript")
    assert make_client().get_text("/api/x/") == script
