"""The alerts' tasks and schedules, and the whole path with real parts: the simulator's living data makes a plugin
config fail and recover, the poller stores its snapshots, the evaluation task opens and ends the alert, and the
sending task hands each event to the in-portal channel."""

import re
from datetime import timedelta

import pytest
from celery import current_app
from django.core.cache import cache
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from apps.alerts.models import Alert, AlertRule, Channel, Delivery, Notification
from apps.alerts.schedules import DEFAULT_SCHEDULES, schedules_ensure
from apps.alerts.tasks import evaluate_rules, send_due_deliveries
from apps.history.delivery import delivery_snapshot_take
from apps.history.embedded import EmbeddedScheduler
from apps.history.models import DeliverySnapshot
from tests.alerts.evaluation_helpers import rates, rule_of
from tests.history.conftest import watch_only

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_default_schedules_evaluate_every_30_s_and_send_every_10_s():
    schedules = {
        task.name: (task.task, task.interval.every, task.interval.period, task.enabled)
        for task in PeriodicTask.objects.filter(task__startswith="apps.alerts.").select_related("interval")
    }

    assert schedules == {
        "Evaluate alert rules": ("apps.alerts.tasks.evaluate_rules", 30, "seconds", True),
        "Send due alert deliveries": ("apps.alerts.tasks.send_due_deliveries", 10, "seconds", True),
    }
    assert {task.task for task in DEFAULT_SCHEDULES} <= set(current_app.tasks)  # a worker finds them by name


def test_an_admins_changes_to_the_schedules_are_kept(settings):
    PeriodicTask.objects.filter(name="Evaluate alert rules").update(name="Alerts (slow)", enabled=False)
    PeriodicTask.objects.filter(name="Send due alert deliveries").delete()

    created = schedules_ensure(periodic_task_model=PeriodicTask, interval_model=IntervalSchedule)

    assert created == ["Send due alert deliveries"]
    assert not PeriodicTask.objects.get(name="Alerts (slow)").enabled


def test_the_embedded_scheduler_runs_the_evaluation(connection, operator):
    rule = rule_of(connection, AlertRule.Kind.RATE_BELOW, threshold=0.95, owner=operator)
    rates(connection, 8, 0.5, newest=timezone.now() - timedelta(minutes=1))
    PeriodicTask.objects.exclude(task__startswith="apps.alerts.").update(enabled=False)  # no poller to PostHog here

    ran = EmbeddedScheduler().run_due()

    assert "Evaluate alert rules" in ran
    assert Alert.objects.filter(rule=rule, resolved_at=None).exists()


def test_the_evaluation_task_counts_the_rules_it_evaluated_and_skips_muted_ones(connection):
    rule_of(connection, AlertRule.Kind.RATE_BELOW)
    rule_of(connection, AlertRule.Kind.RATE_BELOW, muted=True)

    assert evaluate_rules.apply().get() == 1


@pytest.mark.profiles("legacy", reason="only an older PostHog reports a config's delivery_rate_24h")
def test_a_config_failing_then_recovering_in_the_simulator_reaches_the_portal_list(
    simulator, demo_connection, operator, admin_user
):
    watch_only(demo_connection, 1)
    configs = simulator.state.plugin_configs
    config = next(c for c in configs.all() if c["enabled"] and not c.get("deleted"))
    inbox = Channel.objects.create(name="In the portal", kind=Channel.Kind.PORTAL)
    rule = rule_of(
        demo_connection, AlertRule.Kind.RATE_BELOW, name="Exports deliver", scope=AlertRule.Scope.ITEM,
        project_id="1", item_type="plugin_config", item_id=str(config["id"]), threshold=0.95, minutes=10,
        owner=operator,
    )  # fmt: skip
    rule.channels.set([inbox])
    start = timezone.now()

    def poll_and_evaluate(minutes: int) -> None:
        """The poller's snapshot at `minutes`, the simulator living on meanwhile; then both alert tasks' work."""
        simulator.tick()
        delivery_snapshot_take(connection=demo_connection, now=start + timedelta(minutes=minutes))
        from apps.alerts.evaluation import rules_evaluate

        rules_evaluate(now=start + timedelta(minutes=minutes, seconds=30))
        send_due_deliveries.apply()

    configs.update(config["id"], _health="failing", _delivery_rate=0.4)
    for minutes in (0, 5, 10):
        poll_and_evaluate(minutes)
    configs.update(config["id"], _health="healthy", _delivery_rate=1.0)
    for minutes in (15, 20, 25):
        poll_and_evaluate(minutes)

    alert = Alert.objects.get(rule=rule)
    assert alert.resolved_at is not None and alert.notifications == 1
    assert list(Delivery.objects.filter(rule=rule).order_by("id").values_list("event", "status")) == [
        ("fire", "sent"),
        ("resolve", "sent"),
    ]
    name = DeliverySnapshot.objects.filter(plugin_config_id=config["id"]).values_list("config_name", flat=True)[0]
    titles = list(Notification.objects.filter(user=operator).order_by("id").values_list("title", flat=True))
    assert re.fullmatch(rf"Failing: {re.escape(name)} — delivery rate [\d.]+ % \(below 95 %\) for 10 min", titles[0])
    assert titles[1] == f"Resolved: {name} (Exports deliver)"
    assert Notification.objects.filter(user=admin_user).count() == 2  # every Admin is told too
