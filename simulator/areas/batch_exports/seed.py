"""Seeded batch exports (data/exports.json) with a history of runs and their log entries, in both profiles: batch
exports exist since 2023, before either PostHog version the profiles play."""

import uuid
from datetime import timedelta

from simulator.areas.batch_exports.living import DATA, ERRORS, failed_message, finished_message, started_message
from simulator.areas.batch_exports.state import (
    ACTIVE,
    COMPLETED,
    EXPORT,
    FAILED,
    FAILED_RETRYABLE,
    INTERVALS,
    floor_to,
    log_add,
    run_finish,
    run_insert,
)
from simulator.core.fields import iso
from simulator.core.store import Store


def seed(store: Store, world) -> None:
    for project, rows in zip(world.projects, DATA["projects"], strict=False):
        for row in rows:
            _export(store, world, project["id"], row)


def _export(store: Store, world, team_id: int, row: dict) -> None:
    interval = INTERVALS[row["interval"]]
    paused_at = world.now - timedelta(days=row["paused_days_ago"]) if row.get("paused_days_ago") else None
    latest_end = floor_to(paused_at or world.now, interval)
    export = {
        "id": str(uuid.uuid4()),
        "team_id": team_id,
        "name": row["name"],
        "model": row["model"],
        "destination": {**row["destination"], "integration": None},
        "interval": row["interval"],
        "paused": paused_at is not None,
        "deleted": False,
        "created_at": world.iso(days_ago=row["days_ago"]),
        "last_updated_at": iso(paused_at) if paused_at else world.iso(days_ago=min(row["days_ago"], 3)),
        "last_paused_at": iso(paused_at) if paused_at else None,
        "start_at": None,
        "end_at": None,
        "schema": None,
        "filters": None,
        "_health": row["health"],
        "_scheduled_until": iso(latest_end),
    }
    store.insert(EXPORT, export, parent=team_id, id=export["id"])
    low, high = DATA["records"][row["interval"]]
    for index in range(row["runs"]):
        end = latest_end - index * interval
        status = row["recent"][index] if index < len(row["recent"]) else COMPLETED
        # Runs start a little after their interval ends (the schedule's jitter), never after now.
        created = min(end + timedelta(seconds=25 + index % 11), world.now - timedelta(seconds=1))
        run = run_insert(store, export, start=end - interval, status=status, created_at=created, ticks=2)
        run = store.update(
            "batch_export_run", run["id"], {**run, "records_total_count": low + (index * 7919) % (high - low)}
        )
        log_add(store, export, run, "INFO", started_message(export, run), created)
        if status in ACTIVE:
            continue
        finished = created + timedelta(seconds=20 + index % 40)
        error = ERRORS[export["destination"]["type"]][row["error"]] if status in (FAILED, FAILED_RETRYABLE) else None
        run_finish(store, run, status=status, error=error, at=finished)
        if error:
            log_add(store, export, run, "ERROR", failed_message(error), finished)
        else:
            log_add(store, export, run, "INFO", finished_message(run), finished)
