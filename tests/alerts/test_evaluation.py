"""The state machine people rely on: an alert fires once when its condition starts, repeats at most every chosen
interval, stays quiet once acknowledged, says "resolved" when it ends; snooze and mute; one Delivery per channel and
event however often a moment is evaluated; never two workers on one rule."""

from datetime import timedelta

import pytest
from django.core.cache import cache

from apps.alerts import evaluation
from apps.alerts.evaluation import rule_evaluate, rules_evaluate
from apps.alerts.messages import alert_payload
from apps.alerts.models import Alert, AlertRule, Channel, Delivery
from apps.alerts.services import alert_acknowledge
from apps.core.locks import cache_lock
from tests.alerts.evaluation_helpers import NOW, activity, log_entries, rates, rule_of

Kind = AlertRule.Kind
pytestmark = pytest.mark.django_db
MINUTE = timedelta(minutes=1)


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()  # rule locks live in the cache, and rule ids repeat between tests
    yield
    cache.clear()


@pytest.fixture
def channels():
    return [
        Channel.objects.create(name="Team inbox", kind=Channel.Kind.PORTAL),
        Channel.objects.create(name="Ops hook", kind=Channel.Kind.WEBHOOK, url="https://hooks.example.test/x"),
    ]


@pytest.fixture
def rule(connection, channels):
    rule = rule_of(connection, Kind.RATE_BELOW, name="S3 delivery", threshold=0.95, minutes=12, repeat_minutes=60)
    rule.channels.set(channels)
    return rule


def sent(rule):
    """(event, channel name) of every delivery the rule's evaluations created, oldest first."""
    return [(d.event, d.channel.name) for d in Delivery.objects.filter(rule=rule).order_by("id")]


def test_fire_repeat_acknowledge_resolve(rule, channels, operator):
    rates(rule.connection, 8, 0.62, 0.60, 0.58)

    first = rule_evaluate(rule=rule, now=NOW)
    alert = Alert.objects.get(rule=rule)
    assert (first.opened, first.fired, first.deliveries) == (1, 1, 2)
    assert sent(rule) == [("fire", "Team inbox"), ("fire", "Ops hook")]
    assert alert.open and alert.started_at == NOW - 10 * MINUTE

    # Still failing (a snapshot every 5 minutes for three hours), but the reminder is owed only after an hour.
    rates(rule.connection, 8, *[0.5] * 36, newest=NOW + 180 * MINUTE)
    rule_evaluate(rule=rule, now=NOW + 30 * MINUTE)
    assert len(sent(rule)) == 2

    rule_evaluate(rule=rule, now=NOW + 61 * MINUTE)
    assert sent(rule)[2:] == [("repeat", "Team inbox"), ("repeat", "Ops hook")]

    # Acknowledged: no more reminders while it lasts...
    alert_acknowledge(actor=operator, alert=alert, now=NOW + 62 * MINUTE)
    rule_evaluate(rule=rule, now=NOW + 3 * 60 * MINUTE)
    assert len(sent(rule)) == 4
    assert Alert.objects.get(pk=alert.pk).acknowledged_by == operator  # evaluation never overwrites it

    # ...and "resolved" when it ends: the config delivers again.
    rates(rule.connection, 8, 1.0, 1.0, 1.0, newest=NOW + 195 * MINUTE)
    result = rule_evaluate(rule=rule, now=NOW + 196 * MINUTE)
    assert result.resolved == 1
    assert sent(rule)[4:] == [("resolve", "Team inbox"), ("resolve", "Ops hook")]
    assert Alert.objects.get(pk=alert.pk).resolved_at == NOW + 196 * MINUTE

    # Nothing more once it is over, and one key per event and channel.
    rule_evaluate(rule=rule, now=NOW + 4 * 60 * MINUTE)
    keys = list(Delivery.objects.filter(rule=rule).values_list("key", flat=True))
    assert len(keys) == 6 == len(set(keys))


def test_the_deliveries_carry_the_payload_of_their_event(rule):
    rates(rule.connection, 8, 0.62, 0.60, 0.58)
    log_entries(rule.connection, 8, at=NOW - MINUTE, message="S3 said 403 AccessDenied")

    rule_evaluate(rule=rule, now=NOW)

    payload = Delivery.objects.filter(rule=rule).first().payload
    assert payload["event"] == "fire"
    assert payload["title"] == "Failing: S3 Export — delivery rate at most 62 % (below 95 %) for 12 min"
    assert "Last error: S3 said 403 AccessDenied" in payload["text"]
    assert payload["link"] == "http://127.0.0.1:8000/plugin-configs/8/"
    assert payload["rule"] == {"id": rule.pk, "name": "S3 delivery", "kind": "rate_below"}
    assert payload["connection"] == "Production" and payload["project_id"] == "1"


def test_a_new_alert_queues_the_sending_once_the_transaction_commits(
    rule, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr("apps.alerts.tasks.send_due_deliveries.delay", lambda: queued.append(True))
    rates(rule.connection, 8, 0.5)

    with django_capture_on_commit_callbacks(execute=True):
        rule_evaluate(rule=rule, now=NOW)
    assert queued == [True]

    with django_capture_on_commit_callbacks(execute=True):
        rule_evaluate(rule=rule, now=NOW + MINUTE)  # nothing new owed: nothing queued
    assert queued == [True]


def test_a_snoozed_rule_keeps_its_state_but_says_nothing_until_the_snooze_ends(rule):
    rule.snoozed_until = NOW + 30 * MINUTE
    rule.save()
    rates(rule.connection, 8, 0.5)

    rule_evaluate(rule=rule, now=NOW)
    assert Alert.objects.filter(rule=rule, resolved_at=None).count() == 1
    assert sent(rule) == []

    rates(rule.connection, 8, 0.5, newest=NOW + 30 * MINUTE)  # still failing when the snooze ends
    rule_evaluate(rule=rule, now=NOW + 29 * MINUTE)
    assert sent(rule) == []
    rule_evaluate(rule=rule, now=NOW + 31 * MINUTE)
    assert [event for event, _ in sent(rule)] == ["fire", "fire"]


def test_a_muted_rule_is_not_evaluated(rule):
    rule.muted = True
    rule.save()
    rates(rule.connection, 8, 0.5)

    assert rules_evaluate(now=NOW) == []
    assert rule_evaluate(rule=rule, now=NOW).skipped == "muted"
    assert not Alert.objects.exists()


def test_a_rule_another_worker_is_evaluating_is_skipped(rule):
    rates(rule.connection, 8, 0.5)

    with cache_lock(name=f"alert-rule-{rule.pk}", ttl=60) as held:
        assert held
        result = rule_evaluate(rule=rule, now=NOW)

    assert not result.evaluated and "another worker" in result.skipped
    assert not Alert.objects.exists()
    assert rule_evaluate(rule=rule, now=NOW).fired == 1  # the lock released, the next run evaluates it


def test_the_same_moment_evaluated_twice_without_the_lock_creates_nothing_twice(rule, monkeypatch):
    """A lock that expired under a slow worker: both evaluate. The open-alert constraint and the delivery keys keep
    one episode and one delivery per channel."""
    rates(rule.connection, 8, 0.5)
    monkeypatch.setattr(evaluation, "cache_lock", lambda **kwargs: _always_held())

    rule_evaluate(rule=rule, now=NOW)
    stale = Alert.objects.get(rule=rule)
    Alert.objects.filter(pk=stale.pk).update(notifications=0)  # the second worker read the alert before the first wrote
    rule_evaluate(rule=rule, now=NOW)

    assert Alert.objects.filter(rule=rule).count() == 1
    assert len(sent(rule)) == 2


def test_a_poller_catching_up_on_an_hour_of_errors_sends_nothing(connection, channels):
    rule = rule_of(connection, Kind.ERRORS_ABOVE, count=5, minutes=10)
    rule.channels.set(channels)
    log_entries(connection, 8, at=NOW - 60 * MINUTE, n=500)

    assert rule_evaluate(rule=rule, now=NOW).opened == 0
    assert sent(rule) == []


def test_a_change_outside_the_portal_is_said_once_and_ends_silently(connection, channels):
    rule = rule_of(connection, Kind.CHANGED_OUTSIDE, minutes=15, repeat_minutes=1)
    rule.channels.set(channels[:1])
    activity(connection, activity_name="disabled", at=NOW - MINUTE)

    rule_evaluate(rule=rule, now=NOW)
    rule_evaluate(rule=rule, now=NOW + 5 * MINUTE)  # no reminder, however short the rule's repeat
    result = rule_evaluate(rule=rule, now=NOW + 20 * MINUTE)

    assert result.resolved == 1
    assert sent(rule) == [("fire", "Team inbox")]


def test_one_rule_failing_leaves_the_others_evaluated(rule, connection, monkeypatch):
    other = rule_of(connection, Kind.ERRORS_ABOVE, count=0, minutes=10)
    log_entries(connection, 8, at=NOW - MINUTE)
    real = evaluation.conditions_evaluate

    def broken_for_the_first(*, rule, now):
        if rule.kind == Kind.RATE_BELOW:
            raise RuntimeError("bad data")
        return real(rule=rule, now=now)

    monkeypatch.setattr(evaluation, "conditions_evaluate", broken_for_the_first)
    results = {result.rule_id: result for result in rules_evaluate(now=NOW)}

    assert results[rule.pk].skipped == "failed: bad data"
    assert results[other.pk].opened == 1


def test_a_resolve_payload_says_it_ended(rule):
    rates(rule.connection, 8, 0.5)
    rule_evaluate(rule=rule, now=NOW)
    alert = Alert.objects.get(rule=rule)
    alert.resolved_at = alert.started_at + 45 * MINUTE

    payload = alert_payload(alert=alert, event="resolve")

    assert payload["title"] == "Resolved: S3 Export (S3 delivery)"
    assert payload["text"].startswith("Ended after 45 min:")
    assert payload["resolved_at"] == alert.resolved_at.isoformat()


class _always_held:
    def __enter__(self):
        return True

    def __exit__(self, *exc):
        return False
