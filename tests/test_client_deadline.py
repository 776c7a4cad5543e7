"""One time budget per page for all its PostHog requests and retries (apps/posthog/deadline.py in the client)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
import responses

from apps.posthog.client import PostHogClient
from apps.posthog.deadline import current_deadline, deadline
from apps.posthog.errors import DeadlineExceeded, ServerError, UpstreamTimeout

KEY = "phx_SuperSecretKey1234567890abcdef"
HOST = "https://us.posthog.com"
PROJECT = HOST + "/api/projects/1/"


class _Hanging(BaseHTTPRequestHandler):
    """Accepts the request, then answers only after `hang` seconds, as a PostHog stuck on a slow query does."""

    hang = 5.0

    def do_GET(self) -> None:
        time.sleep(self.hang)
        body = b'{"id": 1}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def hanging_host() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hanging)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def test_a_hanging_read_stops_at_the_budget_not_after_every_retry(hanging_host: str) -> None:
    # Without a deadline this read would wait 4 × 10 s; the page's 1.5 s is all it gets.
    client = PostHogClient(host=hanging_host, api_key=KEY, timeout=(3.05, 10.0), max_retries=3)
    started = time.monotonic()
    with deadline(1.5), pytest.raises(DeadlineExceeded) as caught:
        client.get("/api/projects/1/")
    elapsed = time.monotonic() - started
    assert 1.4 <= elapsed < 2.5
    assert caught.value.user_message == "PostHog did not answer in 1.5 s; try again in a moment."


def test_without_a_deadline_a_hanging_read_waits_for_the_clients_own_timeout(hanging_host: str) -> None:
    client = PostHogClient(host=hanging_host, api_key=KEY, timeout=(3.05, 0.5), max_retries=0)
    with pytest.raises(UpstreamTimeout) as caught:
        client.get("/api/projects/1/")
    assert not isinstance(caught.value, DeadlineExceeded)
    assert caught.value.user_message.startswith("PostHog did not answer within 0.5 seconds")


def test_every_read_of_a_page_shares_one_budget(hanging_host: str) -> None:
    """Three reads in a 1 s budget: the first uses it up, the others are not even sent."""
    client = PostHogClient(host=hanging_host, api_key=KEY, timeout=(3.05, 10.0), max_retries=3)
    started = time.monotonic()
    failures = []
    with deadline(1.0):
        for _ in range(3):
            try:
                client.get("/api/projects/1/")
            except DeadlineExceeded as error:
                failures.append(error)
    assert len(failures) == 3
    assert time.monotonic() - started < 2.0


def test_an_attempts_timeout_is_cut_to_what_is_left(mocked: responses.RequestsMock) -> None:
    mocked.get(PROJECT, json={"id": 1})
    client = PostHogClient(host=HOST, api_key=KEY, timeout=(3.05, 10.0))
    with deadline(2.0):
        client.get("/api/projects/1/")
    connect, read = mocked.calls[0].request.req_kwargs["timeout"]
    assert connect <= 2.0 and read <= 2.0


def test_a_long_budget_leaves_the_clients_timeout_as_it_is(mocked: responses.RequestsMock) -> None:
    mocked.get(PROJECT, json={"id": 1})
    client = PostHogClient(host=HOST, api_key=KEY, timeout=(3.05, 10.0))
    with deadline(60.0):
        client.get("/api/projects/1/")
    assert mocked.calls[0].request.req_kwargs["timeout"] == (3.05, 10.0)


def test_a_retry_that_would_not_fit_in_the_budget_is_skipped(mocked: responses.RequestsMock) -> None:
    mocked.get(PROJECT, status=503, json={"detail": "Service unavailable"})
    waits: list[float] = []
    client = PostHogClient(host=HOST, api_key=KEY, max_retries=3, backoff_base=2.0, sleep=waits.append)
    with deadline(1.0), pytest.raises(ServerError):
        client.get("/api/projects/1/")
    # PostHog's own failure is what the person sees, after one attempt and no wait that would outlast the page.
    assert len(mocked.calls) == 1
    assert waits == []


def test_retries_that_fit_are_still_made(mocked: responses.RequestsMock) -> None:
    mocked.get(PROJECT, status=503, json={"detail": "Service unavailable"})
    mocked.get(PROJECT, json={"id": 1})
    waits: list[float] = []
    client = PostHogClient(host=HOST, api_key=KEY, max_retries=3, backoff_base=0.01, sleep=waits.append)
    with deadline(5.0):
        assert client.get("/api/projects/1/") == {"id": 1}
    assert len(mocked.calls) == 2 and len(waits) == 1


def test_nothing_is_sent_once_the_budget_is_spent(mocked: responses.RequestsMock) -> None:
    mocked.get(PROJECT, json={"id": 1})
    client = PostHogClient(host=HOST, api_key=KEY)
    with deadline(0.01):
        time.sleep(0.02)
        with pytest.raises(DeadlineExceeded):
            client.get("/api/projects/1/")
    assert len(mocked.calls) == 0


def test_a_nested_deadline_keeps_the_earlier_end() -> None:
    with deadline(1.0) as outer:
        with deadline(30.0) as inner:
            assert inner.ends == outer.ends and inner.budget == 1.0
            assert current_deadline() == outer
        with deadline(0.5) as shorter:
            assert shorter.ends < outer.ends and shorter.budget == 0.5
        assert current_deadline() == outer
    assert current_deadline() is None


def test_a_replacing_deadline_gets_its_own_time_even_after_the_page_ran_out() -> None:
    with deadline(0.01):
        time.sleep(0.02)
        with deadline(5.0, replace=True) as own:
            assert not own.expired and own.budget == 5.0
        assert current_deadline() is not None and current_deadline().expired  # type: ignore[union-attr]


def test_deadline_exceeded_is_a_timeout_whose_message_names_the_budget() -> None:
    error = DeadlineExceeded(budget=15)
    assert isinstance(error, UpstreamTimeout)
    assert error.user_message == "PostHog did not answer in 15 s; try again in a moment."
    assert "15" in str(error)


def test_a_deadline_cut_read_timeout_is_reported_as_the_budget_not_as_the_clients_timeout(
    mocked: responses.RequestsMock,
) -> None:
    mocked.get(PROJECT, body=requests.ReadTimeout("read timed out"))
    client = PostHogClient(host=HOST, api_key=KEY, timeout=(3.05, 10.0), max_retries=0)
    with deadline(2.0), pytest.raises(DeadlineExceeded) as caught:
        client.get("/api/projects/1/")
    assert caught.value.budget == 2.0
