"""Handing each notification to its channel: at most once per event, retried with backoff, whatever workers die.

A `Delivery` row is taken with one conditional UPDATE (status pending, or failed and due, or sending under a claim
that has run out), which sets it SENDING under a lease: of two workers reaching for one row, one updates it and the
other updates nothing. The holder sends, then marks it SENT or FAILED. A worker killed mid-send leaves the row
SENDING; once its lease ends the next run takes it again (the webhook's `X-Portal-Delivery` header lets a receiver
drop the copy if the first attempt had got through). A row SENT is never taken again.
"""

import logging
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from apps.alerts.channels import ChannelError, channel_send
from apps.alerts.models import AlertRule, Channel, Delivery
from apps.audit.services import audit_record_local

logger = logging.getLogger("portal.alerts")

# Many times a channel's own timeouts (10 s): a lease must not end while its holder is still sending, or a second
# worker would send too.
LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 6
BACKOFF_BASE = timedelta(seconds=30)
# Rows one run takes; the task runs every 10 s, and the next run takes the rest.
BATCH = 200
# How the audit trail names each event: "delivered the reminder of the alert rule 'S3 export' to 'Ops'".
EVENT_WORDS = {"fire": "the alert", "repeat": "the reminder", "resolve": "the all-clear", "test": "a test"}
DEFAULT_BASE_URL = "http://127.0.0.1:8000"  # as portal/settings.py's PORTAL_BASE_URL


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 30 s, 1, 2, 4, 8 min."""
    return BACKOFF_BASE * 2 ** max(attempts - 1, 0)


def _takeable(now: datetime) -> Q:
    return (
        Q(status=Delivery.Status.PENDING)
        | Q(status=Delivery.Status.FAILED, attempts__lt=MAX_ATTEMPTS, next_attempt_at__lte=now)
        | Q(status=Delivery.Status.SENDING, attempts__lt=MAX_ATTEMPTS, claimed_until__lt=now)
    ) & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))


def delivery_send(*, delivery_id: int, now: datetime | None = None) -> Delivery:
    """Send the row if it is to be sent (pending, due again, or abandoned by a worker) and answer it as it ends up;
    a row sent, being sent by another worker or not due yet is answered untouched."""
    return _take_and_send(delivery_id=delivery_id, now=now or timezone.now(), actor=None)


def deliveries_send_due(*, now: datetime) -> int:
    """Send every row that is due; answers how many were sent. `now` is the clock of the run (the bench's is
    simulated); each row's is `now` plus the time the run has taken so far, so a lease never starts in the past."""
    _abandoned_give_up(now=now)
    due = Delivery.objects.filter(_takeable(now)).order_by("next_attempt_at", "id").values_list("pk", flat=True)
    started = time.monotonic()
    sent = 0
    for delivery_id in list(due[:BATCH]):
        row_now = now + timedelta(seconds=time.monotonic() - started)
        if _take_and_send(delivery_id=delivery_id, now=row_now, actor=None).status == Delivery.Status.SENT:
            sent += 1
    return sent


def channel_test_send(*, channel: Channel, rule: AlertRule | None, actor: Any) -> Delivery:
    """Send a test to the channel now and answer the row, its status and error for the page to show. A failed
    test is not retried later: the person saw it fail and may be changing the channel. Without a rule the row is
    not stored (a delivery belongs to a rule) but is answered, sent and audited all the same."""
    now = timezone.now()
    fields: dict[str, Any] = {
        "rule": rule,
        "channel": channel,
        "event": Delivery.Event.TEST,
        "key": f"test:{uuid.uuid4().hex}:{channel.pk}",
        "payload": payload_of_test(channel=channel, rule=rule, actor=actor, now=now),
        # Created already held: the periodic run must not take it between its creation and its sending.
        "status": Delivery.Status.SENDING,
        "attempts": 1,
        "claimed_until": now + LEASE,
    }
    if rule is None:
        return _send_unstored(delivery=Delivery(**fields), actor=actor, now=now)
    delivery = Delivery.objects.create(**fields)
    delivery = Delivery.objects.select_related("channel", "rule__connection").get(pk=delivery.pk)
    return _send_held(delivery=delivery, lease_end=fields["claimed_until"], now=now, actor=actor)


def payload_of_test(*, channel: Channel, rule: AlertRule | None, actor: Any, now: datetime) -> dict[str, Any]:
    """A test reads like an alert (same keys as `apps.alerts.messages.alert_payload`) and says it is a test."""
    signed_in = getattr(actor, "is_authenticated", False)
    who = actor.get_username() if signed_in else "The portal"
    name = rule.name if rule else channel.name
    base = getattr(settings, "PORTAL_BASE_URL", DEFAULT_BASE_URL).rstrip("/")
    return {
        "event": Delivery.Event.TEST.value,
        "rule": {"id": rule.pk, "name": rule.name, "kind": rule.kind} if rule else None,
        "subject": "",
        "subject_name": name,
        "title": f"Test: {name} — a test notification from the PostHog Ops Portal",
        "text": f"{who} sent this test to the channel “{channel.name}”. Nothing is failing: this only shows that "
        "the channel works.",
        "link": base + (reverse("alerts:rule", kwargs={"pk": rule.pk}) if rule else reverse("alerts:channels")),
        "values": {},
        "message": "",
        "started_at": now.isoformat(),
        "resolved_at": None,
        "connection": rule.connection.name if rule else "",
        "project_id": rule.project_id if rule else "",
        # The in-portal channel tells the person who asked, whatever their role.
        "requested_by": actor.pk if signed_in else None,
    }


def _take_and_send(*, delivery_id: int, now: datetime, actor: Any) -> Delivery:
    lease_end = now + LEASE
    taken = (
        Delivery.objects.filter(_takeable(now), pk=delivery_id)
        .exclude(status=Delivery.Status.SENT)
        .update(status=Delivery.Status.SENDING, claimed_until=lease_end, attempts=F("attempts") + 1)
    )
    delivery = Delivery.objects.select_related("channel", "rule__connection").get(pk=delivery_id)
    if not taken:
        return delivery
    return _send_held(delivery=delivery, lease_end=lease_end, now=now, actor=actor)


def _hand_over(delivery: Delivery) -> str:
    """Hand the row to its channel; answers the error ("" when the channel took it)."""
    try:
        channel_send(channel=delivery.channel, payload=delivery.payload, delivery_key=delivery.key)
    except ChannelError as error:
        return error.user_message
    except Exception:
        # A bug of ours, not the channel's: logged in full, told without internals.
        logger.exception("alert delivery %s to channel %s failed", delivery.pk, delivery.channel_id)
        return "The portal failed while sending this notification (the worker's log has the details)."
    return ""


def _send_held(*, delivery: Delivery, lease_end: datetime, now: datetime, actor: Any) -> Delivery:
    started = time.monotonic()
    error = _hand_over(delivery)
    finished = now + timedelta(seconds=time.monotonic() - started)
    held = Delivery.objects.filter(pk=delivery.pk)
    with transaction.atomic():
        if error:
            retry = delivery.attempts < MAX_ATTEMPTS and delivery.event != Delivery.Event.TEST
            fields: dict[str, Any] = {
                "status": Delivery.Status.FAILED,
                "last_error": error,
                "claimed_until": None,
                "next_attempt_at": finished + backoff(delivery.attempts) if retry else None,
            }
            # Only the holder of the claim writes a failure: one whose lease ran out leaves the row to its taker.
            held = held.filter(status=Delivery.Status.SENDING, claimed_until=lease_end)
        else:
            fields = {
                "status": Delivery.Status.SENT,
                "sent_at": finished,
                "last_error": "",
                "claimed_until": None,
                "next_attempt_at": None,
            }
        if not held.update(**fields):
            logger.warning("alert delivery %s: the claim ran out while sending", delivery.pk)
        for name, value in fields.items():
            setattr(delivery, name, value)
        _channel_note(channel=delivery.channel, error=error, at=finished)
        _audit(delivery=delivery, actor=actor, error=error)
    return delivery


def _send_unstored(*, delivery: Delivery, actor: Any, now: datetime) -> Delivery:
    error = _hand_over(delivery)
    delivery.status = Delivery.Status.FAILED if error else Delivery.Status.SENT
    delivery.last_error = error
    delivery.claimed_until = None
    delivery.sent_at = None if error else timezone.now()
    with transaction.atomic():
        _channel_note(channel=delivery.channel, error=error, at=timezone.now())
        _audit(delivery=delivery, actor=actor, error=error)
    return delivery


def _channel_note(*, channel: Channel, error: str, at: datetime) -> None:
    """What the channel's page shows: its last success, its last error. An error is kept after a later success so
    the page can say when it last failed; the channel is failing while `last_error_at` is the later of the two."""
    if error:
        fields: dict[str, Any] = {"last_error": error, "last_error_at": at}
    else:
        fields = {"last_success_at": at}
    Channel.objects.filter(pk=channel.pk).update(**fields)
    for name, value in fields.items():
        setattr(channel, name, value)


def _audit(*, delivery: Delivery, actor: Any, error: str) -> None:
    """One event per attempt, on the rule (a test without a rule: on the channel). The URL and secret of the
    channel are never in it, only its name."""
    channel, rule = delivery.channel, delivery.rule if delivery.rule_id else None
    what = f"{EVENT_WORDS[delivery.event]} of the alert rule {rule.name!r}" if rule else "a test"
    done = (
        f"could not deliver {what} to {channel.name!r}: {error}" if error else f"delivered {what} to {channel.name!r}"
    )
    attempt = f" (attempt {delivery.attempts} of {MAX_ATTEMPTS})" if error and delivery.event != "test" else ""
    # `audit_record_local` records every event as a success and the trail is append-only: a failed attempt says
    # so in its description and in `after` (status, error).
    audit_record_local(
        actor=actor,
        area="alerts",
        object_id=str(rule.pk) if rule else f"channel-{channel.pk}",
        object_name=rule.name if rule else channel.name,
        method="POST",
        description=done + attempt,
        after={"channel": channel.name, "event": delivery.event, "status": delivery.status, "error": error},
        connection=rule.connection if rule else None,
        action="deliver",
    )


def _abandoned_give_up(*, now: datetime) -> None:
    """A row whose last allowed attempt died with its worker is not taken again: it is marked failed, so the page
    says so instead of "Sending" for ever."""
    abandoned = Delivery.objects.filter(
        status=Delivery.Status.SENDING, attempts__gte=MAX_ATTEMPTS, claimed_until__lt=now
    )
    count = abandoned.update(
        status=Delivery.Status.FAILED,
        claimed_until=None,
        next_attempt_at=None,
        last_error=f"The worker sending it stopped during attempt {MAX_ATTEMPTS} of {MAX_ATTEMPTS}; not tried again.",
    )
    if count:
        logger.warning("gave up %s alert deliveries whose workers stopped on their last attempt", count)
