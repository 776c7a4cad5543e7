"""Ingest 1,000,000 log entries through the poller's own store path, against a raw COPY of the same rows.

Both load into the same empty, fully indexed table, COPY first (the baseline), then the store path in the
batches the poller uses; the process's resident memory is sampled to show the store path stays flat.
"""

import time
from datetime import timedelta

from bench import common, data

BATCH = 500  # one page of PostHog's logs endpoint, as the poller stores it


def run(options) -> None:
    from django.db import connection as db

    from apps.history.log_poller import STORED_COLUMNS, log_batch_store
    from apps.history.models import LogCursor, PluginLogEntry

    rows = options.rows or 1_000_000
    configs = 100
    connection = data.bench_connection()
    span = timedelta(days=7)
    print(f"\n## ingest: {rows:,} log entries, {configs} configs, batches of {BATCH}")

    started = time.perf_counter()
    with (
        db.cursor() as cursor,
        cursor.copy(f"COPY history_pluginlogentry ({', '.join(STORED_COLUMNS)}) FROM STDIN") as copy,
    ):
        for entry in data.log_entries(rows, configs=configs, span=span):
            copy.write_row(
                (connection.pk, "1", entry["plugin_config_id"], entry["id"], entry["timestamp"], entry["source"])
                + (entry["type"], entry["message"], entry["instance_id"])
            )
    copy_seconds = time.perf_counter() - started
    assert PluginLogEntry.objects.count() == rows
    PluginLogEntry.objects.all().delete()
    with db.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE history_pluginlogentry")

    cursors = {
        n: LogCursor.objects.create(connection=connection, project_id="1", plugin_config_id=n)
        for n in range(1, configs + 1)
    }
    rss_start = rss_peak = common.rss_mib()
    started = time.perf_counter()
    stored = 0
    for batch in data.batches(data.log_entries(rows, configs=configs, span=span), BATCH * configs):
        by_config: dict[int, list[dict]] = {}
        for entry in batch:
            by_config.setdefault(entry["plugin_config_id"], []).append(entry)
        for config_id, entries in by_config.items():
            stored += log_batch_store(cursor=cursors[config_id], entries=entries)
        rss_peak = max(rss_peak, common.rss_mib())
    store_seconds = time.perf_counter() - started
    assert stored == rows == PluginLogEntry.objects.count(), (stored, rows)

    copy_rate, store_rate = rows / copy_seconds, rows / store_seconds
    print(f"COPY (baseline):   {copy_rate:>10,.0f} rows/s  ({copy_seconds:.1f} s)")
    print(f"poller store path: {store_rate:>10,.0f} rows/s  ({store_seconds:.1f} s)")
    print(f"store path / COPY: {store_rate / copy_rate:.2f}  (goal: at least 0.50)")
    print(f"memory: {rss_start:.0f} MiB at start, {rss_peak:.0f} MiB at peak (+{rss_peak - rss_start:.0f} MiB)")
