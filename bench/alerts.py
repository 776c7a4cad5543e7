"""Alerts: from a failure stored to its notification handed to the channel, and what an evaluation costs.

500 plugin configs of one connection, their delivery-rate snapshots taken every 5 minutes (healthy: 100 %) and a
trickle of INFO log entries; 200 rules over them, each with one channel that records when it was handed a
notification. The clock is simulated: the default schedules run at their intervals (evaluate every 30 s, send due
deliveries every 10 s, each at its own random phase), and failures are stored at random moments — a snapshot with
a rate of 50 % in the next 5-minute snapshot of a config watched by a "rate below 95 % for 5 min" rule (measured
from that snapshot), or four ERROR entries (timestamped up to
20 s before they are stored, as the log poller lags) for a config watched by "more than 3 ERRORs in 10 min".

Measured: for every "fire" delivery, the simulated time from the failure's storing to the channel's hand-off, p50 /
p95 / max; twice, with the sending evaluation queues on commit (as the portal does) and with the 10-s schedule alone
(the queued sending lost). And each evaluation run's cost, ms and queries, against a baseline in the same run: the
same data with no rule.
"""

import random
import time
from datetime import timedelta

from bench import common

CONFIGS = 500
RATE_RULES = 100  # on configs 1..100: rate below 95 % for 5 min (one snapshot fills the window)
ERROR_RULES = 60  # on configs 101..160: more than 3 ERROR entries in 10 min
PROJECT_RULES = 20  # the project: more than 3 ERROR entries in 10 min, any config
MATCH_RULES = 10  # everything: an entry matching "timeout"
EXPORT_RULES = 10  # everything: a batch export run failed (none here: their cost only)
EVALUATE_EVERY, SEND_EVERY, SNAPSHOT_EVERY = 30, 10, 300  # seconds, as apps/alerts/schedules.py and the pollers


def run(options) -> None:
    import django.db

    vendor = django.db.connection.vendor
    minutes = options.alert_minutes
    print(f"\n## alerts: {CONFIGS} configs, {_rules_count()} rules, {minutes:.0f} simulated minutes, database {vendor}")
    for label, on_commit in (("sending queued on commit (the portal)", True), ("schedule alone", False)):
        _one_run(label=label, minutes=minutes, on_commit=on_commit, rules=True, seed=7)
    _one_run(label="no rules (baseline)", minutes=minutes, on_commit=True, rules=False, seed=7)


def _rules_count() -> int:
    return RATE_RULES + ERROR_RULES + PROJECT_RULES + MATCH_RULES + EXPORT_RULES


def _one_run(*, label: str, minutes: float, on_commit: bool, rules: bool, seed: int) -> None:
    from django.core.cache import cache
    from django.db import connection as database
    from django.utils import timezone

    from apps.alerts import channels, evaluation
    from apps.alerts.delivery import deliveries_send_due
    from apps.alerts.evaluation import rules_evaluate
    from apps.alerts.models import Alert, Channel, Delivery

    rng = random.Random(seed)
    cache.clear()
    _clear()
    start = timezone.now().replace(microsecond=0)
    connection = _setup(start, rules=rules)
    clock = {"now": start}
    handed: dict[str, object] = {}  # delivery key -> simulated moment the channel got it

    def record(channel, payload, *, delivery_key: str) -> None:
        handed.setdefault(delivery_key, clock["now"])

    channels.SENDERS[Channel.Kind.WEBHOOK] = record
    evaluation._send_soon = (
        (lambda: deliveries_send_due(now=clock["now"])) if on_commit else (lambda: None)  # type: ignore[assignment]
    )
    total = int(minutes * 60)
    failures = _failures(rng, total)
    stored_at: dict[str, object] = {}  # subject -> when its failure was stored
    evaluate_phase, send_phase = rng.randrange(EVALUATE_EVERY), rng.randrange(SEND_EVERY)
    costs: list[tuple[float, int]] = []
    for second in range(total):
        clock["now"] = now = start + timedelta(seconds=second)
        for at, config_id in failures:
            if at == second and config_id > RATE_RULES:
                stored_at[f"plugin_config:1:{config_id}"] = now
                _errors(connection, now, config_id, rng)
        if second % SNAPSHOT_EVERY == 0:
            # A config's rate drops in the poller's next snapshot after its failure: measured from that snapshot.
            failing = {config_id for at, config_id in failures if at <= second and config_id <= RATE_RULES}
            _snapshots(connection, now, failing=failing)
            for config_id in failing:
                stored_at.setdefault(f"plugin_config:1:{config_id}", now)
        if second % EVALUATE_EVERY == evaluate_phase:
            counter = _QueryCounter()
            started = time.perf_counter()
            with database.execute_wrapper(counter):
                rules_evaluate(now=now)
            costs.append(((time.perf_counter() - started) * 1000, counter.queries))
        if second % SEND_EVERY == send_phase:
            deliveries_send_due(now=now)
    fires = Delivery.objects.filter(event=Delivery.Event.FIRE).select_related("alert")
    latencies = [
        (handed[d.key] - stored_at[d.alert.subject]).total_seconds()  # type: ignore[operator]
        for d in fires
        if d.key in handed and d.alert is not None and d.alert.subject in stored_at
    ]
    ms = [cost for cost, _ in costs]
    queries = [q for _, q in costs]
    line = (
        f"{label}: evaluation p50 {common.p50(ms):.0f} ms, p95 {common.p95(ms):.0f} ms, "
        f"{common.p50(queries):.0f} queries (max {max(queries)}) a run of {len(costs)}"
    )
    if rules:
        line += (
            f"; {len(failures)} failures, {Alert.objects.count()} alerts, {len(latencies)} fire deliveries handed: "
            f"stored → channel p50 {common.p50(latencies):.0f} s, p95 {common.p95(latencies):.0f} s, "
            f"max {max(latencies):.0f} s"
        )
    print(line)


class _QueryCounter:
    def __init__(self) -> None:
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)


def _failures(rng: random.Random, total: int) -> list[tuple[int, int]]:
    """(second, config) of each failure: half of them rate drops, half ERROR bursts, at random moments (not in the
    last two minutes, so each can be noticed before the run ends)."""
    rate_configs = rng.sample(range(1, RATE_RULES + 1), 20)
    error_configs = rng.sample(range(RATE_RULES + 1, RATE_RULES + ERROR_RULES + 1), 20)
    return sorted((rng.randrange(60, total - 120), config) for config in rate_configs + error_configs)


def _setup(start, *, rules: bool):
    from apps.alerts.models import AlertRule, Channel
    from apps.connections.services import connection_create
    from apps.history.models import LogCursor

    connection = connection_create(
        actor=None, name="Bench", host="https://posthog.bench.test", api_key="phx_BenchKey0123456789abcdef",
        organization_id="@current", project_id="1",
    )  # fmt: skip
    LogCursor.objects.bulk_create(
        LogCursor(connection=connection, project_id="1", plugin_config_id=n, config_name=f"Config {n}", polled_at=start)
        for n in range(1, CONFIGS + 1)
    )
    if not rules:
        return connection
    hook = Channel.objects.create(name="Recorder", kind=Channel.Kind.WEBHOOK, url="https://hooks.bench.test/")
    Kind, Scope = AlertRule.Kind, AlertRule.Scope
    made = [
        AlertRule(name=f"Rate {n}", kind=Kind.RATE_BELOW, scope=Scope.ITEM, connection=connection, project_id="1",
                  item_type="plugin_config", item_id=str(n), threshold=0.95, minutes=5)
        for n in range(1, RATE_RULES + 1)
    ] + [
        AlertRule(name=f"Errors {n}", kind=Kind.ERRORS_ABOVE, scope=Scope.ITEM, connection=connection, project_id="1",
                  item_type="plugin_config", item_id=str(n), count=3, minutes=10)
        for n in range(RATE_RULES + 1, RATE_RULES + ERROR_RULES + 1)
    ] + [
        AlertRule(name=f"Project errors {n}", kind=Kind.ERRORS_ABOVE, scope=Scope.PROJECT, connection=connection,
                  project_id="1", count=3, minutes=10)
        for n in range(PROJECT_RULES)
    ] + [
        AlertRule(name=f"Timeouts {n}", kind=Kind.LOG_MATCHES, connection=connection, text="timeout", minutes=10)
        for n in range(MATCH_RULES)
    ] + [
        AlertRule(name=f"Exports {n}", kind=Kind.EXPORT_FAILED, connection=connection, minutes=15)
        for n in range(EXPORT_RULES)
    ]  # fmt: skip
    for rule in AlertRule.objects.bulk_create(made):
        rule.channels.add(hook)
    return connection


def _snapshots(connection, now, *, failing: set[int]) -> None:
    """The delivery poller's snapshot of every config: 100 %, or 50 % once its failure happened."""
    from apps.history.models import DeliverySnapshot

    DeliverySnapshot.objects.bulk_create(
        DeliverySnapshot(
            connection=connection, project_id="1", plugin_config_id=n, config_name=f"Config {n}", taken_at=now,
            delivery_rate=0.5 if n in failing else 1.0, enabled=True,
        )
        for n in range(1, CONFIGS + 1)
    )  # fmt: skip


def _errors(connection, now, config_id: int, rng: random.Random) -> None:
    from apps.history.models import PluginLogEntry

    lag = rng.uniform(0, 20)
    PluginLogEntry.objects.bulk_create(
        PluginLogEntry(
            connection=connection, project_id="1", plugin_config_id=config_id, entry_id=f"{config_id}-{now}-{i}",
            timestamp=now - timedelta(seconds=lag + i), source="PLUGIN", type="ERROR", message="HTTP 503 from S3",
        )
        for i in range(4)
    )  # fmt: skip


def _clear() -> None:
    from apps.alerts.models import AlertRule, Channel
    from apps.connections.models import Connection

    AlertRule.objects.all().delete()
    Channel.objects.all().delete()
    Connection.objects.all().delete()  # its history goes with it
