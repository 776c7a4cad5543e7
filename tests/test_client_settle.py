"""A write whose answer is lost (unreadable, dropped, timed out after sending) is settled by reading it back, never by
sending it again (apps/posthog/client.py `_settle`, apps/posthog/settle.py, apps/posthog/created.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.client import RemoteDisconnected
from typing import Any

import pytest
import requests
import responses
from urllib3.exceptions import ProtocolError

from apps.posthog.client import PostHogClient, WriteRecord
from apps.posthog.created import created_finder
from apps.posthog.errors import AppliedUnread, OutcomeUnknown, Unreachable, WriteNotApplied
from apps.posthog.settle import APPLIED, NOT_APPLIED, UNKNOWN

HOST = "https://us.posthog.com"
PROJECT = HOST + "/api/projects/1/"
ANNOTATIONS = PROJECT + "annotations/"
SENT = {"content": "Deploy 42", "date_marker": "2026-12-06T10:00:00Z", "scope": "project"}


def _dropped() -> requests.ConnectionError:
    """What requests raises when PostHog closes the connection after reading the request, before answering."""
    reason = ProtocolError("Connection aborted.", RemoteDisconnected("Remote end closed connection without response"))
    return requests.ConnectionError(reason)


def _now(delta: timedelta = timedelta()) -> str:
    return (datetime.now(UTC) + delta).isoformat().replace("+00:00", "Z")


@pytest.fixture
def records() -> list[WriteRecord]:
    return []


@pytest.fixture
def client(records: list[WriteRecord]) -> PostHogClient:
    return PostHogClient(host=HOST, api_key="phx_key", on_write=records.append, sleep=lambda _: None)


@pytest.fixture
def mocked() -> Any:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def _calls(mocked: Any, method: str, url: str) -> int:
    return sum(1 for call in mocked.calls if call.request.method == method and call.request.url.split("?")[0] == url)


def _finder(client: PostHogClient) -> Callable[[], Any]:
    return created_finder(
        client=client, path="/api/projects/1/annotations/", sent=SENT, fields=SENT, params={"search": "Deploy 42"}
    )


# POST ---------------------------------------------------------------------------------------------------------


def test_post_with_a_malformed_2xx_answer_is_applied_and_returns_the_object_read_back(mocked, client, records):
    mocked.post(ANNOTATIONS, status=201, body='{"id": 7, "content": "Depl')
    held = {"id": 7, **SENT, "created_at": _now()}
    mocked.get(
        ANNOTATIONS, json={"count": 2, "results": [{"id": 3, **SENT, "created_at": _now(-timedelta(days=2))}, held]}
    )

    answer = client.post("/api/projects/1/annotations/", json=SENT, find_created=_finder(client))

    assert answer["id"] == 7
    assert _calls(mocked, "POST", ANNOTATIONS) == 1
    (record,) = records
    assert (record.settled, record.status, record.error, record.response["id"]) == (APPLIED, 201, None, 7)


def test_post_with_a_malformed_2xx_answer_and_no_finder_is_applied_but_unread(mocked, client, records):
    mocked.post(ANNOTATIONS, status=201, body="{not json")

    with pytest.raises(AppliedUnread) as caught:
        client.post("/api/projects/1/annotations/", json=SENT)

    assert "do not send it again" in caught.value.user_message
    assert _calls(mocked, "POST", ANNOTATIONS) == 1
    assert records[0].settled == APPLIED and isinstance(records[0].error, AppliedUnread)


def test_post_dropped_after_sending_is_not_applied_when_nothing_new_is_found(mocked, client, records):
    mocked.post(ANNOTATIONS, body=_dropped())
    # An identical annotation made days ago is someone else's, not this write's.
    mocked.get(ANNOTATIONS, json={"results": [{"id": 3, **SENT, "created_at": _now(-timedelta(days=2))}]})

    with pytest.raises(WriteNotApplied) as caught:
        client.post("/api/projects/1/annotations/", json=SENT, find_created=_finder(client))

    assert "you can send it again" in caught.value.user_message
    assert _calls(mocked, "POST", ANNOTATIONS) == 1
    assert (records[0].settled, type(records[0].error)) == (NOT_APPLIED, WriteNotApplied)


def test_post_dropped_after_sending_is_applied_when_the_new_object_is_found(mocked, client, records):
    mocked.post(ANNOTATIONS, body=_dropped())
    mocked.get(ANNOTATIONS, json={"results": [{"id": 9, **SENT, "created_at": _now()}]})

    assert client.post("/api/projects/1/annotations/", json=SENT, find_created=_finder(client))["id"] == 9
    assert _calls(mocked, "POST", ANNOTATIONS) == 1
    assert records[0].settled == APPLIED and records[0].error is None


def test_post_timed_out_without_a_finder_stays_unknown_and_is_never_resent(mocked, client, records):
    mocked.post(ANNOTATIONS, body=requests.ReadTimeout("read timed out"))

    with pytest.raises(OutcomeUnknown) as caught:
        client.post("/api/projects/1/annotations/", json=SENT)

    assert "Check in PostHog before sending it again" in caught.value.user_message
    # Nothing was read back, so the message does not claim it was.
    assert "reading it back" not in caught.value.user_message
    assert "no way to read this kind of change back" in caught.value.user_message
    assert _calls(mocked, "POST", ANNOTATIONS) == 1
    assert records[0].settled == UNKNOWN


def test_post_whose_read_back_fails_stays_unknown(mocked, client, records):
    mocked.post(ANNOTATIONS, body=_dropped())
    mocked.get(ANNOTATIONS, status=503, body="")

    with pytest.raises(OutcomeUnknown) as caught:
        client.post("/api/projects/1/annotations/", json=SENT, find_created=_finder(client))

    assert "reading it back could not tell whether PostHog made it" in caught.value.user_message
    assert _calls(mocked, "POST", ANNOTATIONS) == 1
    assert records[0].settled == UNKNOWN


def test_connect_refused_is_plain_unreachable_not_settled(mocked, client, records):
    mocked.post(ANNOTATIONS, body=requests.ConnectionError("Max retries exceeded: [Errno 111] Connection refused"))
    finder_calls: list[int] = []

    def finder() -> None:
        finder_calls.append(1)

    with pytest.raises(Unreachable):
        client.post("/api/projects/1/annotations/", json=SENT, find_created=finder)

    assert finder_calls == []
    assert _calls(mocked, "POST", ANNOTATIONS) == 1
    assert records[0].settled == "" and isinstance(records[0].error, Unreachable)


def test_connect_timeout_never_sent_anything_so_is_not_settled(mocked, client, records):
    mocked.post(ANNOTATIONS, body=requests.ConnectTimeout("connect timed out"))

    with pytest.raises(Exception) as caught:
        client.post("/api/projects/1/annotations/", json=SENT, find_created=_finder(client))

    assert not isinstance(caught.value, OutcomeUnknown)
    assert records[0].settled == ""
    assert _calls(mocked, "GET", ANNOTATIONS) == 0


# PATCH --------------------------------------------------------------------------------------------------------

ONE = ANNOTATIONS + "5/"
BEFORE = {"id": 5, "content": "old", "date_marker": "2026-12-01T00:00:00Z"}


def test_patch_read_timeout_applied_when_read_back_holds_the_sent_values(mocked, client, records):
    mocked.get(ONE, json=BEFORE)  # the before-state
    mocked.patch(ONE, body=requests.ReadTimeout("read timed out"))
    mocked.get(ONE, json={**BEFORE, "content": "new"})

    answer = client.patch("/api/projects/1/annotations/5/", json={"content": "new"}, capture_before=True)

    assert answer["content"] == "new"
    assert _calls(mocked, "PATCH", ONE) == 1
    assert (records[0].settled, records[0].error, records[0].before["content"]) == (APPLIED, None, "old")


def test_patch_read_timeout_not_applied_when_read_back_still_holds_the_before(mocked, client, records):
    mocked.get(ONE, json=BEFORE)
    mocked.patch(ONE, body=requests.ReadTimeout("read timed out"))

    with pytest.raises(WriteNotApplied):
        client.patch("/api/projects/1/annotations/5/", json={"content": "new"}, capture_before=True)

    assert _calls(mocked, "PATCH", ONE) == 1
    assert records[0].settled == NOT_APPLIED


def test_patch_read_timeout_unknown_when_someone_else_changed_it_meanwhile(mocked, client, records):
    mocked.get(ONE, json=BEFORE)
    mocked.patch(ONE, body=requests.ReadTimeout("read timed out"))
    mocked.get(ONE, json={**BEFORE, "content": "a third value"})

    with pytest.raises(OutcomeUnknown):
        client.patch("/api/projects/1/annotations/5/", json={"content": "new"}, capture_before=True)

    assert _calls(mocked, "PATCH", ONE) == 1
    assert records[0].settled == UNKNOWN


def test_patch_without_a_before_state_cannot_be_told_not_applied(mocked, client, records):
    mocked.patch(ONE, body=requests.ReadTimeout("read timed out"))
    mocked.get(ONE, json=BEFORE)

    with pytest.raises(OutcomeUnknown):
        client.patch("/api/projects/1/annotations/5/", json={"content": "new"})

    assert records[0].settled == UNKNOWN


# DELETE -------------------------------------------------------------------------------------------------------

CONFIG = PROJECT + "plugin_configs/8/"


def test_delete_dropped_then_gone_is_applied(mocked, client, records):
    mocked.get(CONFIG, json={"id": 8, "enabled": True})
    mocked.delete(CONFIG, body=_dropped())
    mocked.get(CONFIG, status=404, json={"type": "invalid_request", "code": "not_found", "detail": "Not found."})

    assert client.delete("/api/projects/1/plugin_configs/8/", capture_before=True) is None

    # DELETE is idempotent, yet the answer lost after sending is settled by reading back, not by sending it again.
    assert _calls(mocked, "DELETE", CONFIG) == 1
    assert (records[0].settled, records[0].error) == (APPLIED, None)


def test_delete_dropped_but_still_there_is_not_applied(mocked, client, records):
    mocked.delete(CONFIG, body=_dropped())
    mocked.get(CONFIG, json={"id": 8, "enabled": True})

    with pytest.raises(WriteNotApplied):
        client.delete("/api/projects/1/plugin_configs/8/")

    assert records[0].settled == NOT_APPLIED


# The finder ---------------------------------------------------------------------------------------------------


def test_finder_picks_the_newest_match_and_ignores_other_content(mocked, client):
    mocked.get(
        ANNOTATIONS,
        json={
            "results": [
                {"id": 1, **SENT, "content": "Deploy 421", "created_at": _now()},
                {"id": 2, **SENT, "created_at": _now(-timedelta(seconds=5))},
                {"id": 4, **SENT, "created_at": _now(timedelta(seconds=1))},
            ]
        },
    )

    assert _finder(client)()["id"] == 4
    assert mocked.calls[0].request.url.endswith("?search=Deploy+42")


def test_finder_reads_a_bare_list_and_items_without_created_at(mocked, client):
    mocked.get(HOST + "/api/organizations/@current/roles/", json=[{"id": "r1", "name": "Ops"}])
    find = created_finder(
        client=client, path="/api/organizations/@current/roles/", sent={"name": "Ops"}, fields=("name",)
    )

    assert find()["id"] == "r1"


def test_delete_of_a_plugin_config_dropped_and_read_back_disabled_is_applied(mocked, client, records):
    mocked.get(CONFIG, json={"id": 8, "enabled": True})
    mocked.delete(CONFIG, body=_dropped())
    mocked.get(CONFIG, json={"id": 8, "enabled": False})

    client.delete("/api/projects/1/plugin_configs/8/", capture_before=True)

    assert records[0].settled == APPLIED
