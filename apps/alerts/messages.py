"""What a notification says: the payload of one event of an alert, built when the event happens and stored on its
deliveries, so a retry sends what was true then. Every channel reads the same keys (the webhook sends it whole):

    {"event": "fire" | "repeat" | "resolve" | "test", "rule": {"id", "name", "kind"} | None, "subject",
     "subject_name", "title" (one line), "text" (a few lines), "link" (absolute), "values", "message",
     "started_at", "resolved_at" (ISO or None), "connection", "project_id"}

Everything in it is JSON-safe. Text from PostHog (names, errors) is kept as stored: each channel escapes it for its
own format.
"""

from datetime import UTC, datetime
from typing import Any

from django.conf import settings

from apps.alerts.models import Alert, AlertRule, Channel

Kind = AlertRule.Kind
# How a title starts, by kind: when the episode starts, and when it is still going.
WORDS: dict[str, tuple[str, str]] = {
    Kind.RATE_BELOW: ("Failing", "Still failing"),
    Kind.ERRORS_ABOVE: ("Failing", "Still failing"),
    Kind.LOG_MATCHES: ("Log match", "Still matching"),
    Kind.EXPORT_FAILED: ("Failing", "Still failing"),
    Kind.EXPORT_OVERDUE: ("Overdue", "Still overdue"),
    Kind.CHANGED_OUTSIDE: ("Changed outside the portal", "Changed outside the portal"),
    Kind.POLLER_STALE: ("Stale data", "Still stale"),
    Kind.KEY_ROLLED: ("Key rolled", "Key rolled"),
}
MESSAGE_LIMIT = 1000  # a stack trace is the channel's to link to, not to carry whole


def alert_payload(*, alert: Alert, event: str) -> dict[str, Any]:
    """The payload of `event` of `alert` (saved or not: only its fields and its rule are read)."""
    rule = alert.rule
    summary = alert_summary(alert=alert)
    fire_word, repeat_word = WORDS.get(rule.kind, ("Alert", "Still going"))
    if event == "resolve":
        title = f"Resolved: {alert.subject_name} ({rule.name})"
    else:
        word = {"fire": fire_word, "repeat": repeat_word, "test": "Test"}.get(event, fire_word)
        title = f"{word}: {alert.subject_name} — {summary}"
    link = _absolute(alert.link)
    message = (alert.message or "")[:MESSAGE_LIMIT]
    project_id = rule.project_id or _project_of(alert.subject)
    lines = [
        _sentence(summary) if event != "resolve" else f"Ended after {_since(alert)}: {summary} no longer holds.",
        f"Rule: {rule.name}",
        f"Since: {_moment(alert.started_at)}",
    ]
    if alert.resolved_at is not None:
        lines.append(f"Resolved: {_moment(alert.resolved_at)}")
    if message:
        lines.append(f"Last error: {message}")
    lines.append(f"Connection: {rule.connection.name}" + (f", project {project_id}" if project_id else ""))
    lines.append(link)
    return {
        "event": event,
        "rule": {"id": rule.pk, "name": rule.name, "kind": rule.kind},
        "subject": alert.subject,
        "subject_name": alert.subject_name,
        "title": title[:300],
        "text": "\n".join(lines),
        "link": link,
        "values": alert.values or {},
        "message": message,
        "started_at": _iso(alert.started_at),
        "resolved_at": _iso(alert.resolved_at),
        "connection": rule.connection.name,
        "project_id": project_id,
    }


def test_payload(*, rule: AlertRule | None, channel: Channel) -> dict[str, Any]:
    """What "send a test" sends: the payload's keys, saying plainly that nothing failed."""
    name = rule.name if rule is not None else channel.name
    link = _absolute("")
    return {
        "event": "test",
        "rule": {"id": rule.pk, "name": rule.name, "kind": rule.kind} if rule is not None else None,
        "subject": "test",
        "subject_name": name,
        "title": f"Test: {name} — a test from the PostHog Ops Portal; nothing failed",
        "text": "\n".join(
            [
                "This is a test notification: nothing failed.",
                f"Rule: {rule.name}" if rule is not None else f"Channel: {channel.name}",
                link,
            ]
        ),
        "link": link,
        "values": {},
        "message": "",
        "started_at": _iso(datetime.now(UTC)),
        "resolved_at": None,
        "connection": rule.connection.name if rule is not None else "",
        "project_id": rule.project_id if rule is not None else "",
    }


def alert_summary(*, alert: Alert) -> str:
    """The numbers of the alert's last evaluation, in words: "delivery rate 62 % (below 95 %) for 15 min"."""
    values = alert.values or {}
    kind = alert.rule.kind
    if kind == Kind.RATE_BELOW:
        bound = "at most " if (values.get("samples") or 0) > 1 else ""
        return (
            f"{values.get('figure', 'rate')} {bound}{_percent(values.get('rate'))} "
            f"(below {_percent(values.get('threshold'))}) for {values.get('minutes', alert.rule.minutes)} min"
        )
    if kind == Kind.ERRORS_ABOVE:
        errors = values.get("errors", 0)
        return (
            f"{errors:,} ERROR entr{'y' if errors == 1 else 'ies'} in {values.get('minutes', alert.rule.minutes)} "
            f"min (above {values.get('count', 0):,})"
        )
    if kind == Kind.LOG_MATCHES:
        matches = values.get("matches", 0)
        return f"{matches:,} log entr{'y' if matches == 1 else 'ies'} matching “{values.get('text', '')}”"
    if kind == Kind.EXPORT_FAILED:
        return f"its newest run ended {str(values.get('status', 'Failed')).lower()}"
    if kind == Kind.EXPORT_OVERDUE:
        last = values.get("last_success_at")
        return (
            f"no successful run for {_duration(values.get('overdue_minutes', 0))} "
            f"(interval {_duration(values.get('interval_minutes', 0))} × {values.get('count', 1)})"
            + ("" if last else ", none stored")
        )
    if kind == Kind.CHANGED_OUTSIDE:
        return f"{values.get('activity', 'changed')} in PostHog by {values.get('by') or 'someone'}, not in the portal"
    if kind == Kind.POLLER_STALE:
        return f"no successful run for {_duration(values.get('minutes', 0))} or more: {values.get('reason', '')}"
    if kind == Kind.KEY_ROLLED:
        verb = {"roll": "rolled", "rotate": "rotated", "reset": "reset"}.get(values.get("action", ""), "changed")
        return f"{verb} by {values.get('by') or 'someone'}"
    return AlertRule.Kind(kind).label if kind in AlertRule.Kind.values else kind


def _percent(rate: Any) -> str:
    if not isinstance(rate, int | float):
        return "?"
    return f"{rate * 100:.1f}".removesuffix(".0") + " %"


def _duration(minutes: Any) -> str:
    minutes = int(minutes or 0)
    if minutes < 120:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f}".removesuffix(".0") + " h"
    return f"{minutes / 1440:.1f}".removesuffix(".0") + " days"


def _since(alert: Alert) -> str:
    if alert.resolved_at is None:
        return "a while"
    return _duration((alert.resolved_at - alert.started_at).total_seconds() // 60)


def _sentence(summary: str) -> str:
    return summary[:1].upper() + summary[1:] + "."


def _moment(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _absolute(path: str) -> str:
    """The portal page's address for someone reading the notification elsewhere: PORTAL_BASE_URL + the path (the
    alerts page when the subject has none)."""
    base = settings.PORTAL_BASE_URL.rstrip("/")
    return base + (path if path.startswith("/") else "/alerts/")


def _project_of(subject: str) -> str:
    """The project of an item subject ("plugin_config:<project>:<id>"); "" for others."""
    kind, _, rest = subject.partition(":")
    if kind in AlertRule.ItemType.values:
        return rest.partition(":")[0]
    return ""
