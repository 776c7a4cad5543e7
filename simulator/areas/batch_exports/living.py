"""The living part of batch exports: what PostHog's Temporal workers do between two requests, a step per tick.

- every unpaused export gets a run for each of its intervals that ended since the last one (at most a few at once:
  the schedule does not catch up on a long gap), as its schedule starts them;
- a Starting run starts (its records counted), a Running one finishes after a tick or few: Completed, or now and
  then Failed / FailedRetryable with an error of its destination's kind (more often for an export whose `_health`
  is "failing" or "flaky");
- a backfill makes its runs a few at a time, then completes when they have all finished;
- each step logs as the workflows log, and entries and runs older than two weeks go (the simulator's own limit,
  to stay small; PostHog's runs list shows the last seven days by default anyway).
"""

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

from simulator.areas.batch_exports.state import (
    ACTIVE,
    BACKFILL,
    COMPLETED,
    EXPORT,
    FAILED,
    FAILED_RETRYABLE,
    LOG,
    RUN,
    RUNNING,
    STARTING,
    floor_to,
    interval_of,
    log_add,
    now,
    run_finish,
    run_insert,
)
from simulator.core.fields import iso, parse_datetime
from simulator.core.store import Store

DATA = json.loads((Path(__file__).parent / "data" / "exports.json").read_text(encoding="utf-8"))
ERRORS: dict[str, list[str]] = DATA["errors"]
FAILURE_CHANCE = {"failing": 0.6, "flaky": 0.2}
CATCH_UP = 3  # scheduled runs made at most per export and tick
BACKFILL_RUNS_PER_TICK = 4
KEPT = timedelta(days=14)


def live_tick(store: Store, profile, rng: random.Random) -> dict:
    moment = now()
    started = finished = 0
    for export in store.all(EXPORT):
        if export.get("deleted"):
            continue
        finished += _progress(store, export, rng, moment)
        if not export["paused"]:
            started += _schedule(store, export, rng, moment)
    for backfill in store.all(BACKFILL):
        if backfill["status"] in ACTIVE:
            started += _backfill_step(store, backfill, rng, moment)
    _prune(store, moment - KEPT)
    return {"batch_export_runs_started": started, "batch_export_runs_finished": finished}


def describe_target(export: dict) -> str:
    """Where a run writes, as the workflows' first log line names it."""
    config = export["destination"]["config"]
    kind = export["destination"]["type"]
    if kind == "S3":
        return f"S3 bucket {config.get('bucket_name')} ({config.get('region')})"
    if kind == "BigQuery":
        return f"BigQuery table {config.get('project_id')}.{config.get('dataset_id')}.{config.get('table_id')}"
    if kind == "Snowflake":
        return f"Snowflake table {config.get('database')}.{config.get('schema')}.{config.get('table_name')}"
    if kind == "Postgres":
        return f"PostgreSQL table {config.get('schema')}.{config.get('table_name')} on {config.get('host')}"
    return kind


def started_message(export: dict, run: dict) -> str:
    return (
        f"Batch exporting range {run['data_interval_start']} - {run['data_interval_end']} to {describe_target(export)}"
    )


def finished_message(run: dict) -> str:
    return (
        f"Successfully finished exporting batch {run['data_interval_start']} - {run['data_interval_end']}: "
        f"{run.get('records_total_count') or 0} records"
    )


def failed_message(error: str) -> str:
    return f"Batch export failed: {error}"


def run_started(store: Store, export: dict, run: dict, rng: random.Random, at: datetime) -> dict:
    """Starting → Running: PostHog counts the interval's records first."""
    total = rng.randint(*DATA["records"].get(export["interval"], [200, 2000]))
    running = {**run, "status": RUNNING, "records_total_count": total, "last_updated_at": iso(at)}
    log_add(store, export, run, "INFO", started_message(export, run), at)
    return store.update(RUN, run["id"], running)


def run_ended(store: Store, export: dict, run: dict, rng: random.Random, at: datetime) -> dict:
    """Running → Completed, or a failure with an error of the destination's kind."""
    if rng.random() < FAILURE_CHANCE.get(export.get("_health"), 0.03):
        status = FAILED if rng.random() < 0.5 else FAILED_RETRYABLE
        error = rng.choice(ERRORS.get(export["destination"]["type"], ERRORS["default"]))
        log_add(store, export, run, "ERROR", failed_message(error), at)
        return run_finish(store, run, status=status, error=error, at=at)
    log_add(store, export, run, "INFO", finished_message(run), at)
    return run_finish(store, run, status=COMPLETED, at=at)


def _progress(store: Store, export: dict, rng: random.Random, moment: datetime) -> int:
    ended = 0
    for run in store.all(RUN, parent=export["id"]):
        if run["status"] == STARTING:
            run_started(store, export, run, rng, moment)
        elif run["status"] == RUNNING:
            if run.get("_ticks", 1) <= 1:
                run_ended(store, export, run, rng, moment)
                ended += 1
            else:
                store.update(RUN, run["id"], {**run, "_ticks": run["_ticks"] - 1})
    return ended


def _schedule(store: Store, export: dict, rng: random.Random, moment: datetime) -> int:
    interval = interval_of(export)
    boundary = floor_to(moment, interval)
    until = parse_datetime(export.get("_scheduled_until")) or boundary
    due: list[datetime] = []
    while until + interval <= boundary:
        until += interval
        due.append(until - interval)
    for start in due[-CATCH_UP:]:
        run_insert(store, export, start=start, created_at=moment, ticks=rng.randint(1, 3))
    if due:
        store.update(EXPORT, export["id"], {**export, "_scheduled_until": iso(until)})
    return len(due[-CATCH_UP:])


def _backfill_step(store: Store, backfill: dict, rng: random.Random, moment: datetime) -> int:
    export = store.get(EXPORT, backfill["batch_export"])
    if export is None:
        return 0
    interval = interval_of(export)
    end = parse_datetime(backfill.get("end_at")) or floor_to(moment, interval)
    start = parse_datetime(backfill.get("_next"))
    made = 0
    while start is not None and start < end and made < BACKFILL_RUNS_PER_TICK:
        run_insert(store, export, start=start, created_at=moment, backfill=backfill["id"], ticks=rng.randint(1, 2))
        start, made = start + interval, made + 1
    runs = [run for run in store.all(RUN, parent=export["id"]) if run.get("backfill") == backfill["id"]]
    done = start is None or start >= end
    status = COMPLETED if done and all(run["status"] not in ACTIVE for run in runs) else RUNNING
    store.update(
        BACKFILL,
        backfill["id"],
        {
            **backfill,
            "status": status,
            "_next": iso(start) if start is not None else None,
            "last_updated_at": iso(moment),
            "finished_at": iso(moment) if status == COMPLETED else None,
        },
    )
    return made


def _prune(store: Store, older_than: datetime) -> None:
    for kind, field in ((LOG, "timestamp"), (RUN, "created_at")):
        for item in store.all(kind):
            moment = parse_datetime(item.get(field))
            if moment is not None and moment < older_than and item.get("status") not in ACTIVE:
                store.delete(kind, item["id"])
