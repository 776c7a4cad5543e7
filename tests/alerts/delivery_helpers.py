"""Rules, channels, alerts and payloads for the channel and delivery tests (payloads built by hand, in the shape
of `apps.alerts.messages.alert_payload`)."""

from datetime import datetime, timedelta
from typing import Any

from apps.alerts.models import Alert, AlertRule, Channel, Delivery

SECRET = "whsec_test_0123456789abcdef"


def make_rule(*, connection, owner=None, name: str = "S3 Export failing", channels=()) -> AlertRule:
    rule = AlertRule.objects.create(
        name=name,
        kind=AlertRule.Kind.RATE_BELOW,
        scope=AlertRule.Scope.ITEM,
        connection=connection,
        project_id="1",
        item_type=AlertRule.ItemType.PLUGIN_CONFIG,
        item_id="8",
        threshold=0.95,
        minutes=15,
        owner=owner,
    )
    rule.channels.set(channels)
    return rule


def make_channel(kind: str, *, name: str = "", url: str = "", secret: str = "", addresses: str = "") -> Channel:
    return Channel.objects.create(
        name=name or f"{kind} channel", kind=kind, url=url, signing_secret=secret, addresses=addresses
    )


def make_alert(*, rule: AlertRule, started_at: datetime) -> Alert:
    return Alert.objects.create(
        rule=rule,
        subject="plugin_config:1:8",
        subject_name="S3 Export <prod>",
        link="/plugins/configs/8/",
        started_at=started_at,
        values={"rate": 0.62, "threshold": 0.95, "minutes": 15},
        message="Error: S3 bucket refused the upload (403 AccessDenied)",
    )


def payload(*, event: str = "fire", rule: AlertRule | None = None, alert: Alert | None = None) -> dict[str, Any]:
    return {
        "event": event,
        "rule": {"id": rule.pk, "name": rule.name, "kind": rule.kind} if rule else {"id": None, "name": "", "kind": ""},
        "subject": "plugin_config:1:8",
        "subject_name": "S3 Export <prod>",
        "title": "Failing: S3 Export <prod> — delivery rate 62 % (below 95 %) for 15 min",
        "text": "Delivery rate 62 % over the last 15 min (threshold 95 %).\n120 of 320 events failed.",
        "link": "http://127.0.0.1:8000/plugins/configs/8/",
        "values": {"rate": 0.62, "threshold": 0.95, "minutes": 15},
        "message": "Error: S3 bucket refused the upload (403 AccessDenied)",
        "started_at": "2025-03-04T11:45:00+00:00",
        "resolved_at": None,
        "connection": "Production",
        "project_id": "1",
        "alert_id": alert.pk if alert else None,
    }


def make_delivery(
    *, rule: AlertRule, channel: Channel, alert: Alert | None, event: str = "fire", now: datetime, n: int = 0
) -> Delivery:
    return Delivery.objects.create(
        rule=rule,
        alert=alert,
        channel=channel,
        event=event,
        key=f"{alert.pk if alert else 0}:{event}:{n}:{channel.pk}",
        payload=payload(event=event, rule=rule, alert=alert),
        status=Delivery.Status.PENDING,
        next_attempt_at=now,
    )


def later(now: datetime, **delta: float) -> datetime:
    return now + timedelta(**delta)
