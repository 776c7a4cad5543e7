"""Handing notifications to channels: sent once, retried with backoff, never twice, whatever workers die; tests
shown at once; every attempt audited without the channel's URL or secret."""

import threading
from datetime import timedelta

import pytest
from django.db import connection as database
from django.utils import timezone

from apps.alerts import tasks
from apps.alerts.delivery import LEASE, MAX_ATTEMPTS, channel_test_send, deliveries_send_due, delivery_send
from apps.alerts.models import Channel, Delivery, Notification
from apps.audit.models import AuditEvent
from tests.alerts.delivery_helpers import SECRET, make_alert, make_channel, make_delivery, make_rule
from tests.alerts.receivers import http_receiver

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs, no `except Exception` sees it."""


@pytest.fixture
def rule(connection, operator):
    return make_rule(connection=connection, owner=operator)


def webhook(receiver) -> Channel:
    return make_channel(Channel.Kind.WEBHOOK, name="Ops webhook", url=receiver.url, secret=SECRET)


def fire(rule, channel, now) -> Delivery:
    return make_delivery(rule=rule, channel=channel, alert=make_alert(rule=rule, started_at=now), now=now)


def reload(row):
    row.refresh_from_db()
    return row


def test_a_due_delivery_is_sent_once_and_audited_without_the_url_or_secret(rule):
    now = timezone.now()
    with http_receiver(secret=SECRET) as receiver:
        channel = webhook(receiver)
        delivery = fire(rule, channel, now)
        assert deliveries_send_due(now=now) == 1
        assert deliveries_send_due(now=now + timedelta(hours=1)) == 0

    assert len(receiver.received) == 1 and receiver.received[0].signature_ok
    assert receiver.received[0].headers["X-Portal-Delivery"] == delivery.key
    delivery = reload(delivery)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (Delivery.Status.SENT, 1, "")
    assert delivery.sent_at >= now and delivery.claimed_until is None
    assert reload(channel).last_success_at == delivery.sent_at and channel.last_error == ""

    [event] = AuditEvent.objects.filter(area="alerts", action="deliver")
    assert (event.object_id, event.object_name, event.outcome) == (str(rule.pk), rule.name, "success")
    assert event.actor_name == "system" and event.connection == rule.connection
    assert event.after == {"channel": "Ops webhook", "event": "fire", "status": "sent", "error": ""}
    assert event.path == "delivered the alert of the alert rule 'S3 Export failing' to 'Ops webhook'"
    recorded = f"{event.path} {event.after} {event.before} {event.request_body}"
    assert "s3cr3tPathPart" not in recorded and SECRET not in recorded


def test_a_failing_channel_is_retried_with_backoff_and_shows_its_last_error(rule):
    t0 = timezone.now()
    with http_receiver(secret=SECRET, statuses=[500, 503]) as receiver:
        channel = webhook(receiver)
        delivery = fire(rule, channel, t0)

        assert deliveries_send_due(now=t0) == 0
        delivery = reload(delivery)
        assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 1)
        assert timedelta(seconds=30) <= delivery.next_attempt_at - t0 < timedelta(seconds=32)
        assert reload(channel).last_error == "The webhook answered HTTP 500: refused invalid_token"

        deliveries_send_due(now=t0 + timedelta(seconds=20))  # not due yet
        assert len(receiver.received) == 1

        deliveries_send_due(now=t0 + timedelta(seconds=32))
        delivery = reload(delivery)
        assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 2)
        assert timedelta(seconds=60) <= delivery.next_attempt_at - (t0 + timedelta(seconds=32)) < timedelta(seconds=62)
        assert reload(channel).last_error == "The webhook answered HTTP 503: refused invalid_token"

        assert deliveries_send_due(now=t0 + timedelta(seconds=100)) == 1

    assert reload(delivery).status == Delivery.Status.SENT and delivery.attempts == 3
    # Every attempt carried the same key, so a receiver could drop a copy.
    assert {r.headers["X-Portal-Delivery"] for r in receiver.received} == {delivery.key}
    assert len(receiver.received) == 3
    channel = reload(channel)
    assert channel.last_success_at > channel.last_error_at  # failing no more; the last error is kept
    audited = [(e.path, e.after["status"], e.after["error"]) for e in AuditEvent.objects.filter(action="deliver")]
    attempt = "could not deliver the alert of the alert rule 'S3 Export failing' to 'Ops webhook'"
    assert sorted(audited) == [
        (
            f"{attempt}: The webhook answered HTTP 500: refused invalid_token (attempt 1 of 6)",
            "failed",
            "The webhook answered HTTP 500: refused invalid_token",
        ),
        (
            f"{attempt}: The webhook answered HTTP 503: refused invalid_token (attempt 2 of 6)",
            "failed",
            "The webhook answered HTTP 503: refused invalid_token",
        ),
        ("delivered the alert of the alert rule 'S3 Export failing' to 'Ops webhook'", "sent", ""),
    ]


def test_after_six_failed_attempts_it_is_not_tried_again(rule):
    now = timezone.now()
    with http_receiver(secret=SECRET, statuses=[500] * 20) as receiver:
        delivery = fire(rule, webhook(receiver), now)
        for hour in range(10):
            deliveries_send_due(now=now + timedelta(hours=hour))
    assert len(receiver.received) == MAX_ATTEMPTS == 6
    delivery = reload(delivery)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (Delivery.Status.FAILED, 6, None)


def test_a_delivery_whose_worker_died_mid_send_is_sent_once_after_its_claim_ends_and_never_again(rule, monkeypatch):
    t0 = timezone.now()
    with http_receiver(secret=SECRET) as receiver:
        delivery = fire(rule, webhook(receiver), t0)

        def killed(**kwargs):
            raise WorkerKilled

        monkeypatch.setattr("apps.alerts.delivery.channel_send", killed)
        with pytest.raises(WorkerKilled):
            deliveries_send_due(now=t0)
        monkeypatch.undo()
        delivery = reload(delivery)
        assert (delivery.status, delivery.attempts) == (Delivery.Status.SENDING, 1)

        # While the dead worker's claim lasts, nobody else takes the row.
        assert deliveries_send_due(now=t0 + LEASE - timedelta(seconds=1)) == 0
        assert delivery_send(delivery_id=delivery.pk, now=t0 + timedelta(seconds=5)).status == Delivery.Status.SENDING
        assert receiver.received == []

        assert deliveries_send_due(now=t0 + LEASE + timedelta(seconds=1)) == 1
        assert len(receiver.received) == 1

        # Sent: never again, by the periodic run or by a direct call.
        assert deliveries_send_due(now=t0 + timedelta(days=1)) == 0
        assert delivery_send(delivery_id=delivery.pk, now=t0 + timedelta(days=1)).status == Delivery.Status.SENT
    assert len(receiver.received) == 1
    assert reload(delivery).attempts == 2


def test_a_row_whose_last_attempt_died_with_its_worker_is_marked_failed(rule):
    now = timezone.now()
    with http_receiver(secret=SECRET) as receiver:
        delivery = fire(rule, webhook(receiver), now)
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.SENDING, attempts=MAX_ATTEMPTS, claimed_until=now - timedelta(seconds=1)
        )
        assert deliveries_send_due(now=now) == 0
    assert receiver.received == []
    delivery = reload(delivery)
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.last_error == "The worker sending it stopped during attempt 6 of 6; not tried again."


@pytest.mark.django_db(transaction=True)
def test_two_workers_reaching_for_one_row_send_it_once(rule):
    now = timezone.now()
    release = threading.Event()
    with http_receiver(secret=SECRET, block=release) as receiver:
        delivery = fire(rule, webhook(receiver), now)
        results = {}

        def first_worker():
            try:
                results["first"] = delivery_send(delivery_id=delivery.pk, now=now).status
            finally:
                database.close()

        thread = threading.Thread(target=first_worker)
        thread.start()
        assert receiver.arrived.wait(10)  # the first worker holds the row and is sending
        results["second"] = deliveries_send_due(now=now + timedelta(seconds=1))
        release.set()
        thread.join(15)
    assert results == {"first": Delivery.Status.SENT, "second": 0}
    assert len(receiver.received) == 1


def test_each_channel_of_an_event_gets_it_and_the_portal_list_is_not_doubled_by_a_retry(rule, admin_user):
    now = timezone.now()
    with http_receiver(secret=SECRET) as receiver:
        alert = make_alert(rule=rule, started_at=now)
        portal = make_channel(Channel.Kind.PORTAL, name="In the portal")
        to_portal = make_delivery(rule=rule, channel=portal, alert=alert, now=now)
        make_delivery(rule=rule, channel=webhook(receiver), alert=alert, now=now)
        assert deliveries_send_due(now=now) == 2
    assert len(receiver.received) == 1
    told = Notification.objects.filter(delivery=to_portal)
    assert sorted(told.values_list("user__username", flat=True)) == ["ada-admin", "otto-operator"]
    assert {n.alert_id for n in told} == {alert.pk}

    # A worker that wrote the notifications and died before marking the row sent: the retry adds none.
    Delivery.objects.filter(pk=to_portal.pk).update(
        status=Delivery.Status.SENDING, claimed_until=now + timedelta(seconds=1)
    )
    assert deliveries_send_due(now=now + LEASE) == 1
    assert Notification.objects.count() == 2


def test_send_a_test_answers_the_result_at_once_and_a_failed_test_is_not_retried(rule, operator, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.test"
    with http_receiver(secret=SECRET, statuses=[200, 500]) as receiver:
        channel = webhook(receiver)
        sent = channel_test_send(channel=channel, rule=rule, actor=operator)
        failed = channel_test_send(channel=channel, rule=rule, actor=operator)
        deliveries_send_due(now=timezone.now() + timedelta(hours=1))

    assert (sent.status, sent.event, sent.last_error) == (Delivery.Status.SENT, "test", "")
    assert (failed.status, failed.last_error) == (
        Delivery.Status.FAILED,
        "The webhook answered HTTP 500: refused invalid_token",
    )
    assert reload(failed).next_attempt_at is None
    assert len(receiver.received) == 2
    body = receiver.received[0].json()
    assert body["title"] == "Test: S3 Export failing — a test notification from the PostHog Ops Portal"
    assert body["link"] == f"https://portal.example.test/alerts/{rule.pk}/"
    assert body["event"] == "test" and "otto-operator sent this test" in body["text"]
    events = AuditEvent.objects.filter(action="deliver").order_by("id")
    assert [(e.actor, e.after["status"]) for e in events] == [(operator, "sent"), (operator, "failed")]


def test_a_test_without_a_rule_reaches_the_person_who_asked_and_is_audited_on_the_channel(operator, admin_user):
    channel = make_channel(Channel.Kind.PORTAL, name="In the portal")
    result = channel_test_send(channel=channel, rule=None, actor=operator)
    assert result.status == Delivery.Status.SENT and result.pk is None
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == ["ada-admin", "otto-operator"]
    event = AuditEvent.objects.get(action="deliver")
    assert (event.object_id, event.object_name, event.actor) == (f"channel-{channel.pk}", "In the portal", operator)


def test_the_periodic_task_sends_what_is_due(rule):
    with http_receiver(secret=SECRET) as receiver:
        fire(rule, webhook(receiver), timezone.now())
        assert tasks.send_due_deliveries() == 1
    assert len(receiver.received) == 1
