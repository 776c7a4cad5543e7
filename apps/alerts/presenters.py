"""What the alerts pages show that is neither a read nor a write: which numbers a kind of rule asks for, the one
sentence a rule's condition reads as, a channel's secret masked, a delivery's state as a badge."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.utils import timezone

from apps.alerts.messages import alert_summary
from apps.alerts.models import Alert, AlertRule, Channel

Kind = AlertRule.Kind
ItemType = AlertRule.ItemType

# The numbers each kind of rule reads (apps/alerts/conditions.py evaluates them): the form asks only for these.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    Kind.RATE_BELOW: ("threshold", "minutes"),
    Kind.ERRORS_ABOVE: ("count", "minutes"),
    Kind.LOG_MATCHES: ("text", "minutes"),
    Kind.EXPORT_FAILED: ("minutes",),
    Kind.EXPORT_OVERDUE: ("count",),
    Kind.CHANGED_OUTSIDE: ("minutes",),
    Kind.POLLER_STALE: ("minutes",),
    Kind.KEY_ROLLED: ("minutes",),
}
# The kinds of item a rule of each kind can watch alone (scope "One item"); none: the kind has no item scope.
KIND_ITEM_TYPES: dict[str, tuple[str, ...]] = {
    Kind.RATE_BELOW: (ItemType.PLUGIN_CONFIG, ItemType.HOG_FUNCTION),
    Kind.ERRORS_ABOVE: (ItemType.PLUGIN_CONFIG, ItemType.HOG_FUNCTION),
    Kind.LOG_MATCHES: (ItemType.PLUGIN_CONFIG, ItemType.HOG_FUNCTION),
    Kind.EXPORT_FAILED: (ItemType.BATCH_EXPORT,),
    Kind.EXPORT_OVERDUE: (ItemType.BATCH_EXPORT,),
    Kind.CHANGED_OUTSIDE: (ItemType.PLUGIN_CONFIG, ItemType.HOG_FUNCTION, ItemType.BATCH_EXPORT),
    Kind.POLLER_STALE: (),
    Kind.KEY_ROLLED: (),
}
# How long a snooze lasts, in minutes, as the rule page offers it.
SNOOZE_CHOICES: list[tuple[int, str]] = [(60, "1 hour"), (240, "4 hours"), (1440, "1 day"), (10080, "1 week")]


def minutes_label(minutes: int | None) -> str:
    if not minutes:
        return "0 min"
    if minutes % 1440 == 0:
        return f"{minutes // 1440} d"
    if minutes % 60 == 0:
        return f"{minutes // 60} h"
    return f"{minutes} min"


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:g} %"


def rule_condition(rule: AlertRule) -> str:
    """The condition as one sentence, with the rule's own numbers: "Delivery rate below 95 % for 15 min"."""
    window = minutes_label(rule.minutes)
    match rule.kind:
        case Kind.RATE_BELOW:
            return f"Success / delivery rate below {percent(rule.threshold)} for {window}"
        case Kind.ERRORS_ABOVE:
            return f"More than {rule.count or 0} ERROR log entries in {window}"
        case Kind.LOG_MATCHES:
            return f"A log entry containing “{rule.text}” (within {window})"
        case Kind.EXPORT_FAILED:
            return f"A batch export run failed (within {window})"
        case Kind.EXPORT_OVERDUE:
            return f"No successful batch export run for {rule.count or 0} × its interval"
        case Kind.CHANGED_OUTSIDE:
            return f"Disabled, deleted or changed outside the portal (within {window})"
        case Kind.POLLER_STALE:
            return f"The portal's pollers failing, throttled or behind for {window}"
        case Kind.KEY_ROLLED:
            return f"A secret key or project token rotated or rolled (within {window})"
    return rule.get_kind_display()


def rule_scope(rule: AlertRule, item_name: str = "") -> str:
    if rule.scope == AlertRule.Scope.ITEM:
        label = ItemType(rule.item_type).label if rule.item_type in ItemType.values else rule.item_type
        return f"{label} {item_name or rule.item_id} (project {rule.project_id})"
    if rule.scope == AlertRule.Scope.PROJECT:
        return f"Project {rule.project_id}"
    return "Everything this connection's pollers store"


def secret_masked(value: str) -> str:
    """A URL that lets anyone post, shown so it can be told apart from another and never read: its host and the
    last four characters ("hooks.slack.com/…••••k3Xz")."""
    if not value:
        return ""
    host = urlsplit(value).hostname or ""
    return f"{host}/…••••{value[-4:]}" if len(value) > 12 else "••••"


def channel_target(channel: Channel) -> str:
    """Where a channel sends, as its list shows it (never a secret in full)."""
    if channel.kind == Channel.Kind.EMAIL:
        return channel.addresses
    if channel.kind == Channel.Kind.PORTAL:
        return "The rule's owner and every Admin, in the portal"
    return secret_masked(channel.url)


@dataclass(frozen=True)
class RuleRow:
    rule: AlertRule
    condition: str
    scope: str
    state: str  # "firing", "snoozed", "muted", "ok"
    state_label: str
    open_alerts: int
    channels: list[Channel]
    failing_channels: list[Channel]
    changeable: bool


def rule_row(rule: AlertRule, *, changeable: bool, now: datetime | None = None) -> RuleRow:
    """A rule as its list and page show it. `open_alerts` is annotated by `selectors.rule_list`, counted otherwise."""
    now = now or timezone.now()
    open_alerts = getattr(rule, "open_alerts", None)
    if open_alerts is None:
        open_alerts = rule.alerts.filter(resolved_at__isnull=True).count()
    channels = list(rule.channels.all())
    snoozed = rule.snoozed_until is not None and rule.snoozed_until > now
    if rule.muted:
        state, label = "muted", "Muted"
    elif snoozed and rule.snoozed_until is not None:
        state, label = "snoozed", f"Snoozed until {timezone.localtime(rule.snoozed_until):%Y-%m-%d %H:%M}"
    elif open_alerts:
        state, label = "firing", f"Firing ({open_alerts})" if open_alerts > 1 else "Firing"
    else:
        state, label = "ok", "Quiet"
    return RuleRow(
        rule=rule,
        condition=rule_condition(rule),
        scope=rule_scope(rule),
        state=state,
        state_label=label,
        open_alerts=open_alerts,
        channels=channels,
        failing_channels=[channel for channel in channels if channel_failing(channel)],
        changeable=changeable,
    )


def channel_failing(channel: Channel) -> bool:
    """Its last attempt failed: an error newer than its last success."""
    if not channel.last_error_at:
        return False
    return channel.last_success_at is None or channel.last_error_at > channel.last_success_at


@dataclass(frozen=True)
class AlertRow:
    alert: Alert
    summary: str  # its numbers in words; "" when the evaluation stored none


def alert_row(alert: Alert) -> AlertRow:
    return AlertRow(alert=alert, summary=alert_summary(alert=alert) if alert.values else "")


@dataclass(frozen=True)
class ChannelRow:
    channel: Channel
    target: str  # where it sends, secrets masked
    failing: bool
    rule_count: int | None
    secret_set: bool


def channel_row(channel: Channel) -> ChannelRow:
    return ChannelRow(
        channel=channel,
        target=channel_target(channel),
        failing=channel_failing(channel),
        rule_count=getattr(channel, "rule_count", None),
        secret_set=bool(channel.signing_secret),
    )
