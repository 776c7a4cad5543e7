"""Batch exports in the simulator: exports, runs, logs, backfills, pause, as PostHog's batch_export.py answers them
(and, for the legacy profile, 2024's posthog/batch_exports/http.py)."""

from datetime import UTC, datetime, timedelta

import pytest
import requests

from simulator import READ_ONLY_KEY, UNSCOPED_KEY
from simulator.profiles import BATCH_EXPORTS_BACKFILLS
from tests.simulator import spec

EXPORTS = "/api/projects/1/batch_exports/"
WALL = "This action does not support personal API key access"


def as_key(simulator, method: str, path: str, key: str = UNSCOPED_KEY, **kwargs):
    headers = {"Authorization": f"Bearer {key}"}
    return requests.request(method, simulator.url + path, headers=headers, timeout=10, **kwargs)


def export_id(simulator, name: str) -> str:
    return simulator.state.batch_exports.by_name(name)["id"]


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def test_the_list_leaves_secrets_out_and_carries_the_latest_runs(simulator, sim):
    page = sim.call("GET", EXPORTS).json()
    assert page["count"] == 4 and set(page) == {"count", "next", "previous", "results"}
    created = [export["created_at"] for export in page["results"]]
    assert created == sorted(created, reverse=True)  # newest first
    by_type = {export["destination"]["type"]: export for export in page["results"]}
    assert set(by_type) == {"S3", "BigQuery", "Snowflake", "Postgres"}
    # BatchExportDestination.secret_fields are left out, not masked; the rest of the config stays.
    assert by_type["S3"]["destination"]["config"]["bucket_name"] == "hedgehog-data-lake"
    assert "aws_secret_access_key" not in by_type["S3"]["destination"]["config"]
    assert {"private_key", "client_email", "token_uri"}.isdisjoint(by_type["BigQuery"]["destination"]["config"])
    assert {"user", "password"}.isdisjoint(by_type["Postgres"]["destination"]["config"])
    stored = simulator.state.batch_exports.get(by_type["Postgres"]["id"])
    assert stored["destination"]["config"]["password"]  # kept, only never answered
    assert by_type["Postgres"]["paused"] is True and by_type["S3"]["paused"] is False
    latest = by_type["BigQuery"]["latest_runs"]
    assert len(latest) == 10 and latest[0]["status"] == "Failed" and "Access Denied" in latest[0]["latest_error"]
    assert [run["created_at"] for run in latest] == sorted((run["created_at"] for run in latest), reverse=True)
    assert sim.call("GET", "/api/environments/1/batch_exports/").json()["count"] == 4


def test_one_export_and_what_is_not_there(simulator, sim):
    snowflake = export_id(simulator, "Snowflake (finance)")
    answer = sim.call("GET", f"{EXPORTS}{snowflake}/").json()
    assert answer == simulator.state.batch_exports.view(snowflake) and answer["interval"] == "hour"
    assert "password" not in answer["destination"]["config"]
    other = sim.call("GET", "/api/projects/").json()["results"][1]["id"]
    mobile = simulator.state.batch_exports.by_name("Mobile events to S3", project_id=other)["id"]
    assert sim.call("GET", f"{EXPORTS}{mobile}/").status_code == 404  # another project's
    assert sim.call("GET", f"/api/projects/{other}/batch_exports/{mobile}/").status_code == 200
    assert sim.call("GET", f"{EXPORTS}0190a8f1-0000-7000-8000-00000000dead/").status_code == 404


def test_runs_page_by_cursor_and_show_the_last_seven_days(simulator, sim):
    s3 = export_id(simulator, "Events to S3 data lake")
    first = sim.call("GET", f"{EXPORTS}{s3}/runs/").json()
    assert len(first["results"]) == 100 and first["previous"] is None and "cursor=" in first["next"]
    second = requests.get(first["next"], headers=sim.headers, timeout=10).json()
    assert len(second["results"]) == 50 and second["next"] is None and second["previous"]
    ids = [run["id"] for run in first["results"] + second["results"]]
    assert len(set(ids)) == 150
    # A new run does not shift the next page: the cursor is a position, not an offset.
    simulator.state.batch_exports.run_add(s3, status="Completed")
    again = requests.get(first["next"], headers=sim.headers, timeout=10).json()
    assert [run["id"] for run in again["results"]] == [run["id"] for run in second["results"]]
    assert sim.call("GET", f"{EXPORTS}{s3}/runs/?cursor=not-a-cursor").json()["detail"] == "Invalid cursor"
    # A daily export ran ten times, but the list shows runs created in the last seven days unless asked.
    bigquery = export_id(simulator, "BigQuery warehouse")
    assert len(simulator.state.batch_exports.runs(bigquery)) == 10
    assert len(sim.call("GET", f"{EXPORTS}{bigquery}/runs/").json()["results"]) == 7
    assert len(sim.call("GET", f"{EXPORTS}{bigquery}/runs/?after=-30d").json()["results"]) == 10


def test_pause_and_unpause_stop_and_resume_the_schedule(simulator, sim):
    s3 = export_id(simulator, "Events to S3 data lake")
    assert sim.call("POST", f"{EXPORTS}{s3}/pause/").json() == {"paused": True}
    assert sim.call("POST", f"{EXPORTS}{s3}/pause/").json() == {"paused": True}  # paused already: unchanged
    paused = sim.call("GET", f"{EXPORTS}{s3}/").json()
    assert paused["paused"] is True and paused["last_paused_at"]
    before = len(simulator.state.batch_exports.runs(s3))
    simulator.state.batch_exports.intervals_pass(s3, 3)
    simulator.tick()
    assert len(simulator.state.batch_exports.runs(s3)) == before  # no run while paused
    assert sim.call("POST", f"{EXPORTS}{s3}/unpause/").json() == {"paused": False}
    simulator.state.batch_exports.intervals_pass(s3, 2)
    simulator.tick()
    runs = simulator.state.batch_exports.runs(s3)
    assert len(runs) == before + 2 and {run["status"] for run in runs[:2]} == {"Starting"}


def test_runs_start_finish_and_sometimes_fail_as_time_passes(simulator):
    bigquery = export_id(simulator, "BigQuery warehouse")  # failing: most of its runs fail
    state = simulator.state.batch_exports
    seeded = {run["id"] for run in state.runs(bigquery)}
    for _ in range(4):
        state.intervals_pass(bigquery, 3)  # the schedule starts at most three runs at once
        for _ in range(5):  # started, running, done after up to three ticks
            simulator.tick()
    new = [run for run in state.runs(bigquery) if run["id"] not in seeded]
    assert len(new) == 12 and all(run["finished_at"] and run["records_total_count"] for run in new)
    assert {run["status"] for run in new} <= {"Completed", "Failed", "FailedRetryable"}
    assert any(run["status"] != "Completed" and run["latest_error"] for run in new)
    assert state.logs(bigquery)[0]["log_source_id"] == bigquery


@pytest.mark.profiles("current", reason="today's PostHog refuses logs to scoped keys (they declare no scope)")
def test_logs_stand_behind_the_scope_wall_for_scoped_keys(simulator, sim):
    bigquery = export_id(simulator, "BigQuery warehouse")
    run = simulator.state.batch_exports.runs(bigquery)[0]
    for path in (f"{EXPORTS}{bigquery}/logs/", f"{EXPORTS}{bigquery}/runs/{run['id']}/logs/"):
        refused = sim.call("GET", path)
        assert refused.status_code == 403 and refused.json()["detail"] == WALL
        assert as_key(simulator, "GET", path).status_code == 200  # a key made before scopes passes


def test_logs_newest_first_filtered_and_limited(simulator):
    bigquery = export_id(simulator, "BigQuery warehouse")
    logs = as_key(simulator, "GET", f"{EXPORTS}{bigquery}/logs/").json()
    entries = logs["results"]
    assert set(entries[0]) == {"log_source_id", "instance_id", "timestamp", "level", "message"}
    assert [e["timestamp"] for e in entries] == sorted((e["timestamp"] for e in entries), reverse=True)
    errors = as_key(simulator, "GET", f"{EXPORTS}{bigquery}/logs/?level=ERROR").json()["results"]
    assert errors and {e["level"] for e in errors} == {"ERROR"}
    assert len(as_key(simulator, "GET", f"{EXPORTS}{bigquery}/logs/?limit=2").json()["results"]) == 2
    # `offset` pages only within the `limit` fetched: older entries come by `before`.
    assert as_key(simulator, "GET", f"{EXPORTS}{bigquery}/logs/?limit=2&offset=2").json()["results"] == []
    older = as_key(simulator, "GET", f"{EXPORTS}{bigquery}/logs/?limit=2&before={entries[1]['timestamp']}").json()
    assert older["results"][0]["timestamp"] < entries[1]["timestamp"]
    too_many = as_key(simulator, "GET", f"{EXPORTS}{bigquery}/logs/?limit=501").json()
    assert too_many["attr"] == "limit" and "less than or equal to 500" in too_many["detail"]
    run = simulator.state.batch_exports.runs(bigquery)[0]
    mine = as_key(simulator, "GET", f"{EXPORTS}{bigquery}/runs/{run['id']}/logs/").json()["results"]
    assert mine and {e["instance_id"] for e in mine} == {run["id"]}


@pytest.mark.profiles("current", reason="the backfills viewset and its date rules are today's PostHog's")
def test_a_backfill_is_checked_as_posthog_checks_it_then_makes_its_runs(simulator, sim):
    snowflake = export_id(simulator, "Snowflake (finance)")
    path = f"{EXPORTS}{snowflake}/backfills/"
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)

    def refused(body: dict) -> str:
        answer = sim.call("POST", path, json=body)
        assert answer.status_code == 400 and answer.json()["attr"] is None, answer.text
        return answer.json()["detail"]

    start, end = iso(now - timedelta(hours=6)), iso(now - timedelta(hours=2))
    assert (
        refused({"start_at": end, "end_at": start})
        == "The initial backfill datetime 'start_at' must be before 'end_at'"
    )
    assert "is in the future" in refused({"start_at": start, "end_at": iso(now + timedelta(days=1))})
    assert refused({"start_at": "2026-01-01T00:00:00", "end_at": end}) == "Input 2026-01-01T00:00:00 is naive."
    assert "from the beginning of time is not enabled" in refused({"end_at": end})
    answer = sim.call("POST", path, json={"start_at": start, "end_at": end})
    assert answer.status_code == 201
    backfill_id = answer.json()["backfill_id"]
    for _ in range(4):
        simulator.tick()
    made = [run for run in simulator.state.batch_exports.runs(snowflake) if run["backfill"] == backfill_id]
    assert sorted(run["data_interval_start"] for run in made) == [iso(now - timedelta(hours=h)) for h in (6, 5, 4, 3)]
    listed = sim.call("GET", path).json()["results"]
    assert listed[0]["id"] == backfill_id and listed[0]["progress"]["total_runs"] == 4


@pytest.mark.profiles("current", reason="today's PostHog reads a daily export's backfill as dates")
def test_a_daily_export_backfills_whole_days(simulator, sim):
    path = f"{EXPORTS}{export_id(simulator, 'BigQuery warehouse')}/backfills/"
    today = datetime.now(UTC).date()
    start, end = (today - timedelta(days=10)).isoformat(), (today - timedelta(days=8)).isoformat()
    detail = sim.call("POST", path, json={"start_at": f"{start}T00:00:00Z", "end_at": end}).json()["detail"]
    assert "expect only the date component" in detail
    assert sim.call("POST", path, json={"start_at": start, "end_at": end}).status_code == 201


@pytest.mark.profiles("legacy", reason="2024's PostHog backfills through the export's `backfill` action")
def test_an_older_posthog_backfills_through_the_backfill_action(simulator, sim):
    snowflake = export_id(simulator, "Snowflake (finance)")
    missing = sim.call("POST", f"{EXPORTS}{snowflake}/backfills/", json={})
    assert missing.status_code == 404 and missing.json()["detail"] == "Endpoint not found."
    path = f"{EXPORTS}{snowflake}/backfill/"
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    start, end = iso(now - timedelta(hours=3)), iso(now - timedelta(hours=1))
    both = sim.call("POST", path, json={"start_at": start}).json()["detail"]
    assert both == "Both 'start_at' and 'end_at' must be specified"
    after = sim.call("POST", path, json={"start_at": end, "end_at": start}).json()["detail"]
    assert after == "The initial backfill datetime 'start_at' happens after 'end_at'"
    ahead = sim.call("POST", path, json={"start_at": start, "end_at": iso(now + timedelta(days=1))}).json()["detail"]
    assert "too far into the future" in ahead
    answer = sim.call("POST", path, json={"start_at": start, "end_at": end})
    assert answer.status_code == 200 and answer.json()["backfill_id"].startswith(f"{snowflake}-Backfill-")


def test_a_retried_run_runs_again_and_a_finished_run_cannot_be_cancelled(simulator, sim):
    bigquery = export_id(simulator, "BigQuery warehouse")
    failed = simulator.state.batch_exports.runs(bigquery)[0]
    answer = sim.call("POST", f"{EXPORTS}{bigquery}/runs/{failed['id']}/retry/")
    newest = simulator.profile.batch_exports == BATCH_EXPORTS_BACKFILLS
    assert answer.status_code == (201 if newest else 200) and answer.json()["backfill_id"]
    simulator.tick()
    again = simulator.state.batch_exports.runs(bigquery)[0]
    assert again["id"] != failed["id"] and again["data_interval_start"] == failed["data_interval_start"]
    cancel = sim.call("POST", f"{EXPORTS}{bigquery}/runs/{failed['id']}/cancel/")
    if newest:
        assert cancel.status_code == 400 and cancel.json()["detail"] == "Cannot cancel a run that is in 'Failed' status"
    else:
        assert cancel.status_code == 404 and cancel.json()["detail"] == "Endpoint not found."


@pytest.mark.profiles("current", reason="only today's PostHog cancels runs")
def test_a_running_run_can_be_cancelled(simulator, sim):
    snowflake = export_id(simulator, "Snowflake (finance)")
    running = simulator.state.batch_exports.runs(snowflake)[0]
    assert running["status"] == "Running"
    answer = sim.call("POST", f"{EXPORTS}{snowflake}/runs/{running['id']}/cancel/")
    assert answer.json() == {"cancelled": True}
    assert simulator.state.batch_exports.run(running["id"])["status"] == "Cancelled"


def test_keys_need_the_batch_export_scopes(simulator):
    answer = as_key(simulator, "GET", EXPORTS, key=READ_ONLY_KEY)
    assert answer.status_code == 403 and answer.json()["detail"] == "API key missing required scope 'batch_export:read'"


CONTRACT = [
    ("GET", "/api/projects/:project_id/batch_exports/", ""),
    ("GET", "/api/projects/:project_id/batch_exports/:id/", "{id}/"),
    ("GET", "/api/projects/:project_id/batch_exports/:batch_export_id/runs/", "{id}/runs/"),
    ("GET", "/api/projects/:project_id/batch_exports/:batch_export_id/runs/:id/", "{id}/runs/{run}/"),
]


@pytest.mark.parametrize(("method", "schema_path", "suffix"), CONTRACT, ids=[row[2] or "list" for row in CONTRACT])
def test_answers_match_posthogs_schema(simulator, sim, method, schema_path, suffix):
    if reason := spec.spec_missing_reason():
        spec.skip_or_fail(reason)
    bigquery = export_id(simulator, "BigQuery warehouse")
    run = simulator.state.batch_exports.runs(bigquery)[0]
    answer = sim.call(method, EXPORTS + suffix.format(id=bigquery, run=run["id"]))
    operation = spec.schema_operation(method, schema_path)
    errors = [error.message for error in spec.validator_for(operation).iter_errors(answer.json())]
    assert not errors, errors[:5]
