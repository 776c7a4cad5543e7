"""The history pages' queries over 5,000,000 stored log rows and 30 days of 5-minute delivery snapshots of 500
configs, and the delivery overview of a second project of 5,000 configs.

Each query runs many times (p50 / p95 in ms); the baseline, measured in the same run, is the same query
with PostgreSQL's index scans switched off, which is what the pages would cost without their indexes.
"""

import contextlib
import gc
import random
import time
from datetime import UTC, datetime, timedelta

from bench import common, data

CONFIGS = 500
SNAPSHOT_DAYS = 30
SNAPSHOT_EVERY = timedelta(minutes=5)
# The overview of a big install: project 2, MANY_CONFIGS configs (`_generate_many`).
MANY_CONFIGS = 5_000
MANY_DAYS = 8
MANY_RAW_HOURS = timedelta(hours=6)
RUNS = 60  # p95 of 60 runs: the third slowest, not the second as with 30
BASELINE_RUNS = 3


def run(options) -> None:
    from django.db import connection as db

    rows = options.rows or 5_000_000
    connection = data.bench_connection()
    print(f"\n## queries: {rows:,} log rows over {CONFIGS} configs; {SNAPSHOT_DAYS} days of 5-minute snapshots")
    started = time.perf_counter()
    _copy_logs(db, connection.pk, rows)
    snapshots = _copy_snapshots(db, connection.pk)
    snapshots += _generate_many(db, connection.pk, data.START + timedelta(days=SNAPSHOT_DAYS))
    with db.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE history_pluginlogentry")
        cursor.execute("VACUUM ANALYZE history_deliverysnapshot")
        cursor.execute("VACUUM ANALYZE history_deliveryday")
    print(f"loaded {rows:,} log rows and {snapshots:,} snapshots in {time.perf_counter() - started:.0f} s")
    # What loading left in this process is no web worker's: frozen, so the collector's passes during a timed query
    # walk only what the query itself made (they charged the odd 60-90 ms collection to a 7 ms chart before).
    gc.collect()
    gc.freeze()
    for label, query, goal in _queries(connection.pk):
        measured = [common.timed_ms(query) for _ in range(RUNS)]
        with _without_indexes(db):
            baseline = [common.timed_ms(query) for _ in range(BASELINE_RUNS)]
        print(
            f"{label:<44} p50 {common.p50(measured):7.1f} ms  p95 {common.p95(measured):7.1f} ms  "
            f"(goal < {goal} ms; without indexes p50 {common.p50(baseline):8.1f} ms)"
        )


def _queries(connection_id: int):
    from apps.history.selectors import delivery_overview, delivery_series, log_explorer_page

    rng = random.Random(11)
    span_end = data.START + timedelta(days=30)

    def explorer_first_page():
        since = data.START + timedelta(days=rng.randint(0, 25))
        log_explorer_page(
            connection_id=connection_id,
            plugin_config_id=rng.randint(1, CONFIGS),
            types=["ERROR", "WARN"],
            after=since,
            before=since + timedelta(days=3),
        )

    def explorer_search():
        log_explorer_page(
            connection_id=connection_id,
            search=f"{rng.randint(0, 4_000_000)} rows in",
            after=data.START,
            before=span_end,
        )

    def one_chart():
        delivery_series(
            connection_id=connection_id,
            project_id="1",
            plugin_config_id=rng.randint(1, CONFIGS),
            since=span_end - timedelta(days=30),
            until=span_end,
        )

    def one_chart_any_project():  # the chart as the overview of every project links to it
        delivery_series(
            connection_id=connection_id,
            project_id=None,
            plugin_config_id=rng.randint(1, CONFIGS),
            since=span_end - timedelta(days=30),
            until=span_end,
        )

    def overview():
        delivery_overview(
            connection_id=connection_id, project_id="1", since=span_end - timedelta(days=7), until=span_end
        )

    def overview_many():
        delivery_overview(
            connection_id=connection_id, project_id="2", since=span_end - timedelta(days=7), until=span_end
        )

    return [
        ("log explorer: config + type + 3-day range", explorer_first_page, 50),
        ("log explorer: text search, all configs", explorer_search, 300),
        ("delivery chart: one config, 30 days", one_chart, 50),
        ("delivery chart: the same, any project", one_chart_any_project, 50),
        ("delivery overview: 500 configs, 7 days", overview, 300),
        (f"delivery overview: {MANY_CONFIGS:,} configs, 7 days", overview_many, 600),
    ]


@contextlib.contextmanager
def _without_indexes(db):
    with db.cursor() as cursor:
        cursor.execute("SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off")
    try:
        yield
    finally:
        with db.cursor() as cursor:
            cursor.execute("RESET enable_indexscan; RESET enable_bitmapscan; RESET enable_indexonlyscan")


def _copy_logs(db, connection_id: int, rows: int) -> None:
    columns = "connection_id, project_id, plugin_config_id, entry_id, timestamp, source, type, message, instance_id"
    with db.cursor() as cursor, cursor.copy(f"COPY history_pluginlogentry ({columns}) FROM STDIN") as copy:
        for entry in data.log_entries(rows, configs=CONFIGS, span=timedelta(days=30)):
            copy.write_row(
                (connection_id, "1", entry["plugin_config_id"], entry["id"], entry["timestamp"], entry["source"])
                + (entry["type"], entry["message"], entry["instance_id"])
            )


def _copy_snapshots(db, connection_id: int) -> int:
    rng = random.Random(5)
    columns = "connection_id, project_id, plugin_config_id, config_name, taken_at, delivery_rate, enabled, resolution"
    raw_columns = f"{columns}, samples"
    moments = int(timedelta(days=SNAPSHOT_DAYS) / SNAPSHOT_EVERY)
    with db.cursor() as cursor, cursor.copy(f"COPY history_deliverysnapshot ({raw_columns}) FROM STDIN") as copy:
        for config in range(1, CONFIGS + 1):
            rate = rng.uniform(0.7, 1.0)
            for step in range(moments):
                rate = min(1.0, max(0.0, rate + rng.uniform(-0.01, 0.01)))
                taken_at = datetime(2026, 10, 1, tzinfo=UTC) + SNAPSHOT_EVERY * step
                copy.write_row((connection_id, "1", config, f"Config {config}", taken_at, rate, True, 0, 0))
    with db.cursor() as cursor:
        # The hourly means the snapshot poller keeps current as it stores each snapshot.
        cursor.execute(
            f"""INSERT INTO history_deliverysnapshot ({raw_columns})
            SELECT connection_id, project_id, plugin_config_id, max(config_name), date_trunc('hour', taken_at),
                   avg(delivery_rate), bool_or(enabled), 3600, count(delivery_rate)
            FROM history_deliverysnapshot GROUP BY 1, 2, 3, 5"""
        )
        cursor.execute(_PERIODS_SQL.format(where="AND project_id = '1'"))
    return CONFIGS * moments


# The days of 3-hour periods the snapshot poller keeps current from the hourly means (apps/history/delivery.py),
# packed as apps/history/periods.py packs them: per period its mean, lowest and hours as big-endian doubles (NaN: no
# rate; -1 hours: no period).
_PERIODS_SQL = """WITH periods AS (
        SELECT connection_id, project_id, plugin_config_id, floor(extract(epoch FROM taken_at) / 10800)::bigint period,
               avg(delivery_rate) rate, min(delivery_rate) lowest, count(delivery_rate) hours
        FROM history_deliverysnapshot WHERE resolution = 3600 {where} GROUP BY 1, 2, 3, 4
    ), days AS (SELECT DISTINCT connection_id, project_id, plugin_config_id, period / 8 AS day FROM periods)
    INSERT INTO history_deliveryday (connection_id, project_id, plugin_config_id, day, periods)
    SELECT d.connection_id, d.project_id, d.plugin_config_id, d.day, string_agg(
        CASE WHEN p.period IS NULL THEN float8send('NaN') || float8send('NaN') || float8send(-1)
        ELSE float8send(coalesce(p.rate, 'NaN')) || float8send(coalesce(p.lowest, 'NaN')) || float8send(p.hours)
        END, ''::bytea ORDER BY place)
    FROM days d CROSS JOIN generate_series(0, 7) place
    LEFT JOIN periods p ON p.connection_id = d.connection_id AND p.project_id = d.project_id
        AND p.plugin_config_id = d.plugin_config_id AND p.period = d.day * 8 + place
    GROUP BY 1, 2, 3, 4
    ORDER BY 4"""  # day by day, as the poller writes them


def _generate_many(db, connection_id: int, span_end: datetime) -> int:
    """Project 2: MANY_CONFIGS configs with MANY_DAYS of hourly means (the raw rows folded, as the pruner does after
    HISTORY_RAW_DELIVERY_DAYS) and raw 5-minute snapshots for the newest MANY_RAW_HOURS; generated in the database.
    The overview reads the newest raw moment through the (connection, resolution, taken_at) index, so older raw rows
    would not change its cost, only the load's."""
    raw_from = span_end - MANY_RAW_HOURS
    params = {"connection": connection_id, "first": CONFIGS + 1, "last": CONFIGS + MANY_CONFIGS}
    with db.cursor() as cursor:
        cursor.execute(
            """INSERT INTO history_deliverysnapshot (connection_id, project_id, plugin_config_id, config_name,
                taken_at, delivery_rate, enabled, resolution, samples)
            SELECT %(connection)s, '2', c, 'Config ' || c, t, 0.7 + 0.3 * random(), true, %(resolution)s, %(samples)s
            FROM generate_series(%(first)s, %(last)s) c, generate_series(%(start)s, %(end)s, %(step)s) t""",
            params
            | {"resolution": 3600, "samples": 12, "step": timedelta(hours=1)}
            | {"start": span_end - timedelta(days=MANY_DAYS), "end": raw_from - timedelta(hours=1)},
        )
        cursor.execute(
            """INSERT INTO history_deliverysnapshot (connection_id, project_id, plugin_config_id, config_name,
                taken_at, delivery_rate, enabled, resolution, samples)
            SELECT %(connection)s, '2', c, 'Config ' || c, t, 0.7 + 0.3 * random(), true, 0, 0
            FROM generate_series(%(first)s, %(last)s) c, generate_series(%(start)s, %(end)s, %(step)s) t""",
            params | {"start": raw_from, "end": span_end - SNAPSHOT_EVERY, "step": SNAPSHOT_EVERY},
        )
        cursor.execute(
            """INSERT INTO history_deliverysnapshot (connection_id, project_id, plugin_config_id, config_name,
                taken_at, delivery_rate, enabled, resolution, samples)
            SELECT connection_id, project_id, plugin_config_id, max(config_name), date_trunc('hour', taken_at),
                   avg(delivery_rate), bool_or(enabled), 3600, count(delivery_rate)
            FROM history_deliverysnapshot WHERE project_id = '2' AND resolution = 0 GROUP BY 1, 2, 3, 5"""
        )
        cursor.execute(_PERIODS_SQL.format(where="AND project_id = '2'"))
    return MANY_CONFIGS * (MANY_DAYS * 24 + int(MANY_RAW_HOURS / SNAPSHOT_EVERY))
