"""Writes of the alerts pages: rules and channels created, edited, muted, snoozed and deleted, alerts acknowledged,
notifications read. Each is a change to the portal's own state, so each is audited with `audit_record_local`
(area "alerts"); a channel's URL and signing secret never reach the audit trail, only whether they are set."""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.alerts.models import Alert, AlertRule, Channel, Notification
from apps.audit.services import audit_record_local

AREA = "alerts"
# The fields of a rule its form sets (the connection and owner are set once, at creation).
RULE_FIELDS = (
    "name",
    "kind",
    "scope",
    "project_id",
    "item_type",
    "item_id",
    "threshold",
    "count",
    "minutes",
    "text",
    "repeat_minutes",
)
CHANNEL_SECRETS = ("url", "signing_secret")


def rule_state(*, rule: AlertRule) -> dict[str, Any]:
    """What the audit trail keeps of a rule."""
    state: dict[str, Any] = {field: getattr(rule, field) for field in RULE_FIELDS}
    state |= {
        "connection": rule.connection.name,
        "channels": sorted(channel.name for channel in rule.channels.all()),
        "owner": rule.owner.get_username() if rule.owner else None,
        "muted": rule.muted,
        "snoozed_until": rule.snoozed_until.isoformat() if rule.snoozed_until else None,
    }
    return state


def channel_state(*, channel: Channel) -> dict[str, Any]:
    """What the audit trail keeps of a channel: whether its secrets are set, never them."""
    return {
        "name": channel.name,
        "kind": channel.kind,
        "addresses": channel.addresses,
        "url": "set" if channel.url else "",
        # Not "signing_secret": the trail masks any value under a secret-looking key, and "set" is no secret.
        "signing": "set" if channel.signing_secret else "",
    }


def _audit_rule(actor: Any, rule: AlertRule, *, method: str, action: str, description: str, **states: Any) -> None:
    audit_record_local(
        actor=actor,
        area=AREA,
        object_id=str(rule.pk),
        object_name=rule.name,
        method=method,
        action=action,
        description=description,
        connection=rule.connection,
        **states,
    )


@transaction.atomic
def rule_create(*, actor: Any, connection: Any, data: dict[str, Any], channels: list[Channel]) -> AlertRule:
    rule = AlertRule.objects.create(connection=connection, owner=actor, **{key: data[key] for key in RULE_FIELDS})
    rule.channels.set(channels)
    _audit_rule(
        actor, rule, method="POST", action="create", description="created the alert rule", after=rule_state(rule=rule)
    )
    return rule


@transaction.atomic
def rule_update(*, actor: Any, rule: AlertRule, data: dict[str, Any], channels: list[Channel]) -> bool:
    """Save the form's values; False (and nothing recorded) when nothing changed."""
    before = rule_state(rule=rule)
    for key in RULE_FIELDS:
        setattr(rule, key, data[key])
    rule.save()
    rule.channels.set(channels)
    after = rule_state(rule=rule)
    if after == before:
        return False
    changed = {key: value for key, value in after.items() if before.get(key) != value}
    _audit_rule(
        actor,
        rule,
        method="PATCH",
        action="edit",
        description="edited the alert rule",
        before={key: before[key] for key in changed},
        after=changed,
    )
    return True


@transaction.atomic
def rule_delete(*, actor: Any, rule: AlertRule) -> None:
    """The rule goes with its alerts and deliveries; the audit trail keeps what it was."""
    before = rule_state(rule=rule)
    _audit_rule(actor, rule, method="DELETE", action="delete", description="deleted the alert rule", before=before)
    rule.delete()


def rule_mute_set(*, actor: Any, rule: AlertRule, muted: bool) -> None:
    """A muted rule is not evaluated at all (apps/alerts/evaluation.py) until it is unmuted."""
    if rule.muted == muted:
        return
    rule.muted = muted
    rule.save(update_fields=["muted", "updated_at"])
    verb = "mute" if muted else "unmute"
    _audit_rule(
        actor,
        rule,
        method="PATCH",
        action=verb,
        description=f"{verb}d the alert rule",
        before={"muted": not muted},
        after={"muted": muted},
    )


def rule_snooze(*, actor: Any, rule: AlertRule, minutes: int | None, now: datetime | None = None) -> None:
    """Snooze for `minutes` (the rule is still evaluated but sends nothing until then), or end a snooze (None)."""
    now = now or timezone.now()
    before = rule.snoozed_until.isoformat() if rule.snoozed_until else None
    rule.snoozed_until = now + timedelta(minutes=minutes) if minutes else None
    rule.save(update_fields=["snoozed_until", "updated_at"])
    after = rule.snoozed_until.isoformat() if rule.snoozed_until else None
    _audit_rule(
        actor,
        rule,
        method="PATCH",
        action="snooze" if minutes else "unsnooze",
        description=f"snoozed the alert rule for {minutes} min" if minutes else "ended the alert rule's snooze",
        before={"snoozed_until": before},
        after={"snoozed_until": after},
    )


@transaction.atomic
def alert_acknowledge(*, actor: Any, alert: Alert, now: datetime | None = None) -> bool:
    """Silence an open alert until it resolves (no repeat; "resolved" is still sent). False when it had already
    ended or been acknowledged: the row is locked, so two people acknowledging at once record it once."""
    locked = Alert.objects.select_for_update().select_related("rule__connection").get(pk=alert.pk)
    if locked.resolved_at is not None or locked.acknowledged_at is not None:
        return False
    locked.acknowledged_by = actor
    locked.acknowledged_at = now or timezone.now()
    locked.save(update_fields=["acknowledged_by", "acknowledged_at"])
    _audit_rule(
        actor,
        locked.rule,
        method="POST",
        action="acknowledge",
        description=f"acknowledged the alert on {locked.subject_name or locked.subject}",
        after={"alert": locked.pk, "subject": locked.subject, "started_at": locked.started_at.isoformat()},
    )
    alert.acknowledged_by, alert.acknowledged_at = locked.acknowledged_by, locked.acknowledged_at
    return True


def _audit_channel(actor: Any, channel: Channel, *, method: str, action: str, description: str, **states: Any) -> None:
    audit_record_local(
        actor=actor,
        area=AREA,
        object_id=f"channel:{channel.pk}",
        object_name=channel.name,
        method=method,
        action=action,
        description=description,
        **states,
    )


@transaction.atomic
def channel_create(*, actor: Any, data: dict[str, Any]) -> Channel:
    channel = Channel.objects.create(created_by=actor, **data)
    after = channel_state(channel=channel)
    _audit_channel(actor, channel, method="POST", action="create", description="created the alert channel", after=after)
    return channel


@transaction.atomic
def channel_update(*, actor: Any, channel: Channel, data: dict[str, Any]) -> bool:
    """Save the form's values; a secret left blank keeps the one stored. False when nothing changed."""
    before = channel_state(channel=channel)
    secrets_changed = [key for key in CHANNEL_SECRETS if data.get(key) and data[key] != getattr(channel, key)]
    for key, value in data.items():
        if key in CHANNEL_SECRETS and not value:
            continue
        setattr(channel, key, value)
    channel.save()
    after = channel_state(channel=channel)
    for key in secrets_changed:
        # Says a secret changed without saying what it was or is.
        after["signing" if key == "signing_secret" else key] = "replaced"
    if after == before:
        return False
    _audit_channel(
        actor,
        channel,
        method="PATCH",
        action="edit",
        description="edited the alert channel",
        before=before,
        after=after,
    )
    return True


@transaction.atomic
def channel_delete(*, actor: Any, channel: Channel) -> None:
    """Its rules stop sending to it; its deliveries go with it (the audit trail keeps each delivery's outcome)."""
    before = channel_state(channel=channel)
    _audit_channel(
        actor, channel, method="DELETE", action="delete", description="deleted the alert channel", before=before
    )
    channel.delete()


def notification_mark_read(*, user: Any, pk: int | None = None, now: datetime | None = None) -> int:
    """Mark one of the person's notifications read, or all of them (pk None): how many were unread. A person's own
    reading is not a change to the portal anyone audits, so none is recorded."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=now or timezone.now())
