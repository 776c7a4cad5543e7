"""The batch export pages over the Django test client, against the PostHog simulator (both profiles unless a
test says why not)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.connections.models import Capability
from apps.connections.services import connection_test
from simulator.profiles import BATCH_EXPORTS_BACKFILLS

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
EXPORTS = "/api/projects/1/batch_exports/"


def text(response) -> str:
    return response.content.decode()


def export_of(simulator, name: str) -> dict:
    return simulator.state.batch_exports.by_name(name)


def detail_url(export: dict) -> str:
    return reverse("batch_exports:detail", args=[export["id"]])


def writes(simulator) -> list[dict]:
    return [entry for entry in simulator.requests(method="POST") if "batch_exports" in entry["path"]]


def hours_ago(hours: int) -> datetime:
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=hours)


def local(moment: datetime) -> str:
    """As a datetime-local input sends it."""
    return moment.strftime("%Y-%m-%dT%H:%M")


# Reading -------------------------------------------------------------------------------------------------------


def test_the_list_shows_each_exports_destination_schedule_state_and_latest_run(operator_client):
    page = text(operator_client.get(reverse("batch_exports:list")))
    for words in ("Events to S3 data lake", "BigQuery warehouse", "Snowflake (finance)", "Postgres replica"):
        assert words in page
    assert "Amazon S3" in page and "hedgehog-data-lake (eu-central-1)" in page and "PostgreSQL" in page
    assert "Every 5 minutes" in page and "Every day" in page and "Every hour" in page
    assert page.count(">Paused</span>") == 1 and page.count(">Active</span>") == 3
    assert "3 of the last 10 runs failed" in page  # the BigQuery export's latest runs
    assert ">Running</span>" in page and ">Failed</span>" in page
    assert "hh/demo/NotARealSecretKey" not in page and "pg-demo-password" not in page


def test_an_exports_page_shows_its_settings_runs_and_errors_never_its_credentials(operator_client, simulator):
    bigquery = export_of(simulator, "BigQuery warehouse")
    page = text(operator_client.get(detail_url(bigquery)))
    assert "BigQuery warehouse" in page and "Every day" in page and "hedgehog-analytics.posthog.events" in page
    assert "<code>dataset_id</code>" in page and "use_json_type" in page
    assert "posthog-exporter@" not in page and "PRIVATE KEY" not in page  # PostHog never sends them
    assert "never sends the destination's credentials" in page
    assert page.count(">Failed</span>") >= 3 and "Permission bigquery.tables.updateData denied" in page
    assert "PostHog lists the runs started in the last seven days." in page
    assert "/pipeline/batch-exports/" + bigquery["id"] in page  # its page in PostHog's app
    assert "Start backfill" in page and ">Retry</button>" in page


def test_older_runs_come_by_posthogs_cursor(operator_client, simulator):
    s3 = export_of(simulator, "Events to S3 data lake")  # 150 runs: two pages of PostHog's 100
    page = text(operator_client.get(detail_url(s3)))
    assert "Older runs" in page
    cursor = page.split("/runs/?cursor=", 1)[1].split('"', 1)[0]
    older = text(operator_client.get(reverse("batch_exports:runs", args=[s3["id"]]) + f"?cursor={cursor}", **HTMX))
    newest, oldest = simulator.state.batch_exports.runs(s3["id"])[0], simulator.state.batch_exports.runs(s3["id"])[-1]
    assert oldest["id"] in older and newest["id"] not in older and "Older runs" not in older
    without_js = text(operator_client.get(detail_url(s3) + f"?cursor={cursor}"))
    assert oldest["id"] in without_js and "Back to the newest runs" in without_js


def test_a_viewer_reads_but_changes_nothing(client_as, viewer, demo_connection, simulator):
    client = client_as(viewer)
    snowflake = export_of(simulator, "Snowflake (finance)")
    page = text(client.get(detail_url(snowflake)))
    assert "Snowflake (finance)" in page and "Runs" in page
    assert "Start backfill" not in page and ">Pause<span" not in page and ">Retry</button>" not in page
    run = simulator.state.batch_exports.runs(snowflake["id"])[0]
    for name, args in [
        ("batch_exports:pause", [snowflake["id"]]),
        ("batch_exports:backfill", [snowflake["id"]]),
        ("batch_exports:run_retry", [snowflake["id"], run["id"]]),
        ("batch_exports:run_cancel", [snowflake["id"], run["id"]]),
    ]:
        assert client.post(reverse(name, args=args)).status_code == 403
    assert writes(simulator) == [] and not simulator.state.batch_exports.get(snowflake["id"])["paused"]


def test_a_failed_read_of_the_runs_leaves_the_rest_of_the_page(operator_client, simulator):
    snowflake = export_of(simulator, "Snowflake (finance)")
    simulator.script("GET", rf"{EXPORTS}{snowflake['id']}/runs/", status=500, body={"detail": "boom"}, times=5)
    page = text(operator_client.get(detail_url(snowflake)))
    assert "The runs could not be read." in page and "internal error" in page
    assert "Snowflake (finance)" in page and "Destination settings" in page


def test_a_key_without_the_batch_export_scope_is_told_so(client_as, admin_user, simulator):
    from apps.connections.services import connection_create

    connection_create(
        actor=admin_user, name="Read only", host=simulator.url, api_key=simulator.keys.read_only, project_id="1"
    )
    response = client_as(admin_user).get(reverse("batch_exports:list"))
    assert response.status_code == 403 and "batch_export:read" in text(response)


# Logs ----------------------------------------------------------------------------------------------------------


@pytest.mark.profiles("current", reason="today's PostHog refuses logs to scoped keys: they declare no scope")
def test_run_logs_refused_to_personal_keys_say_so_and_link_to_posthog(operator_client, simulator):
    bigquery = export_of(simulator, "BigQuery warehouse")
    run = simulator.state.batch_exports.runs(bigquery["id"])[0]
    page = text(operator_client.get(reverse("batch_exports:run_logs", args=[bigquery["id"], run["id"]])))
    assert "does not accept personal API keys" in page and "See them in PostHog" in page
    assert f"/pipeline/batch-exports/{bigquery['id']}" in page
    assert "Permission bigquery.tables.updateData denied" in page  # the run's own error still shows
    # Learned once: the export's page says so beside its runs instead of offering Logs buttons.
    detail = text(operator_client.get(detail_url(bigquery)))
    assert "Run logs are not available here." in detail and ">Logs</a>" not in detail


@pytest.mark.profiles("legacy", reason="the legacy demo key predates scopes, so PostHog serves it the logs")
def test_a_runs_logs_newest_first(operator_client, simulator):
    bigquery = export_of(simulator, "BigQuery warehouse")
    run = simulator.state.batch_exports.runs(bigquery["id"])[0]
    page = text(operator_client.get(reverse("batch_exports:run_logs", args=[bigquery["id"], run["id"]])))
    assert page.index("Batch export failed:") < page.index("Batch exporting range")
    assert ">ERROR</span>" in page and "not available" not in page


# Pause, retry, cancel ------------------------------------------------------------------------------------------


def test_pausing_and_unpausing_reach_posthog_and_are_audited(operator_client, operator, simulator):
    snowflake = export_of(simulator, "Snowflake (finance)")
    response = operator_client.post(reverse("batch_exports:pause", args=[snowflake["id"]]), **HTMX)
    assert response["HX-Redirect"] == detail_url(snowflake)
    assert simulator.state.batch_exports.get(snowflake["id"])["paused"] is True
    page = text(operator_client.get(detail_url(snowflake)))
    assert "Paused: PostHog starts no run of this export until it is unpaused." in page
    assert '>Unpause<span class="sr-only"> “Snowflake (finance)”</span></button>' in page and ">Paused</span>" in page
    operator_client.post(reverse("batch_exports:unpause", args=[snowflake["id"]]))
    assert simulator.state.batch_exports.get(snowflake["id"])["paused"] is False
    events = AuditEvent.objects.filter(area="batch_exports", object_id=snowflake["id"]).order_by("created_at")
    assert [event.path.rsplit("/", 2)[-2] for event in events] == ["pause", "unpause"]
    assert {event.actor_name for event in events} == {operator.username}
    assert all(event.outcome == AuditEvent.Outcome.SUCCESS for event in events)


def test_retrying_a_failed_run_starts_it_again(operator_client, simulator):
    bigquery = export_of(simulator, "BigQuery warehouse")
    failed = simulator.state.batch_exports.runs(bigquery["id"])[0]
    operator_client.post(reverse("batch_exports:run_retry", args=[bigquery["id"], failed["id"]]))
    assert len(simulator.state.batch_exports.backfills(bigquery["id"])) == 1
    page = text(operator_client.get(detail_url(bigquery)))
    assert "Retry started: PostHog exports" in page and "again, as a new run." in page
    event = AuditEvent.objects.get(area="batch_exports", path__endswith=f"/runs/{failed['id']}/retry/")
    assert event.object_id == bigquery["id"] and event.outcome == AuditEvent.Outcome.SUCCESS


@pytest.mark.profiles("current", reason="only today's PostHog cancels runs")
def test_cancelling_a_running_run(operator_client, simulator):
    snowflake = export_of(simulator, "Snowflake (finance)")
    running = simulator.state.batch_exports.runs(snowflake["id"])[0]
    assert ">Cancel</button>" in text(operator_client.get(detail_url(snowflake)))
    operator_client.post(reverse("batch_exports:run_cancel", args=[snowflake["id"], running["id"]]))
    assert simulator.state.batch_exports.run(running["id"])["status"] == "Cancelled"
    assert "Cancelled the run of" in text(operator_client.get(detail_url(snowflake)))
    assert AuditEvent.objects.filter(area="batch_exports", path__endswith="/cancel/").count() == 1


@pytest.mark.profiles("legacy", reason="2024's PostHog has no run cancel")
def test_cancelling_where_posthog_has_no_cancel_says_so_then_offers_none(operator_client, simulator):
    snowflake = export_of(simulator, "Snowflake (finance)")
    running = simulator.state.batch_exports.runs(snowflake["id"])[0]
    operator_client.post(reverse("batch_exports:run_cancel", args=[snowflake["id"], running["id"]]))
    assert simulator.state.batch_exports.run(running["id"])["status"] == "Running"
    page = text(operator_client.get(detail_url(snowflake)))
    assert "This PostHog does not offer this" in page  # the toast of the refused request
    assert "Cancelling runs is not available." in page and ">Cancel</button>" not in page
    event = AuditEvent.objects.get(area="batch_exports", path__endswith="/cancel/")
    assert event.outcome != AuditEvent.Outcome.SUCCESS  # sent, refused, recorded as such


# Backfill ------------------------------------------------------------------------------------------------------


def test_the_form_says_how_many_runs_a_backfill_makes_before_it_is_sent(operator_client, simulator):
    snowflake = export_of(simulator, "Snowflake (finance)")
    url = reverse("batch_exports:backfill", args=[snowflake["id"]])
    preview = text(operator_client.get(url, {"start": local(hours_ago(26)), "end": local(hours_ago(2))}, **HTMX))
    assert "PostHog will make 24 runs, one per hour" in preview
    assert writes(simulator) == []


def test_a_backfill_the_form_refuses_is_not_sent(operator_client, simulator):
    snowflake = export_of(simulator, "Snowflake (finance)")
    url = reverse("batch_exports:backfill", args=[snowflake["id"]])
    page = text(operator_client.post(url, {"start": local(hours_ago(2)), "end": local(hours_ago(6))}, **HTMX))
    assert "The end must come after the start." in page
    future = text(operator_client.post(url, {"start": local(hours_ago(2)), "end": local(hours_ago(-5))}, **HTMX))
    assert "The end is in the future" in future
    assert writes(simulator) == []


def test_a_backfill_goes_where_this_posthog_takes_it_and_is_audited(operator_client, operator, simulator):
    snowflake = export_of(simulator, "Snowflake (finance)")
    url = reverse("batch_exports:backfill", args=[snowflake["id"]])
    response = operator_client.post(url, {"start": local(hours_ago(6)), "end": local(hours_ago(2))}, **HTMX)
    assert response["HX-Redirect"] == detail_url(snowflake)
    sent = writes(simulator)
    newest = simulator.profile.batch_exports == BATCH_EXPORTS_BACKFILLS
    # Today's PostHog takes backfills at `backfills/`; 2024's answers that with 404 and takes its own action.
    assert [entry["path"].rsplit("/", 2)[-2] for entry in sent] == (
        ["backfills"] if newest else ["backfills", "backfill"]
    )
    assert sent[-1]["body"] == {"start_at": f"{local(hours_ago(6))}:00Z", "end_at": f"{local(hours_ago(2))}:00Z"}
    assert len(simulator.state.batch_exports.backfills(snowflake["id"])) == 1
    page = text(operator_client.get(detail_url(snowflake)))
    assert "Backfill started. PostHog will make 4 runs, one per hour" in page
    events = AuditEvent.objects.filter(area="batch_exports", object_id=snowflake["id"], actor_name=operator.username)
    assert events.filter(outcome=AuditEvent.Outcome.SUCCESS).count() == 1
    if not newest:
        # Remembered: the next backfill goes straight to the action.
        assert Capability.objects.get(action="batch_export_backfills").state == Capability.RETIRED
        operator_client.post(url, {"start": local(hours_ago(9)), "end": local(hours_ago(8))}, **HTMX)
        assert writes(simulator)[-1]["path"].endswith("/backfill/") and len(writes(simulator)) == 3


def test_a_daily_export_is_backfilled_by_dates_where_posthog_wants_dates(operator_client, simulator):
    bigquery = export_of(simulator, "BigQuery warehouse")
    today = datetime.now(UTC).date()
    start, end = today - timedelta(days=9), today - timedelta(days=2)
    url = reverse("batch_exports:backfill", args=[bigquery["id"]])
    operator_client.post(url, {"start": start.isoformat(), "end": end.isoformat()}, **HTMX)
    body = writes(simulator)[-1]["body"]
    if simulator.profile.batch_exports == BATCH_EXPORTS_BACKFILLS:
        assert body == {"start_at": start.isoformat(), "end_at": end.isoformat()}
    else:
        assert body == {"start_at": f"{start.isoformat()}T00:00:00Z", "end_at": f"{end.isoformat()}T00:00:00Z"}
    assert "PostHog will make 7 runs, one per day" in text(operator_client.get(detail_url(bigquery)))


def test_posthogs_refusal_lands_on_the_field_it_is_about(operator_client, simulator):
    snowflake = export_of(simulator, "Snowflake (finance)")
    end = hours_ago(2)
    detail = f"The provided 'end_at' ({end.isoformat()}) is in the future"
    body = {"type": "validation_error", "code": "invalid_input", "detail": detail, "attr": None}
    simulator.script("POST", rf"{EXPORTS}{snowflake['id']}/backfills?/", status=400, body=body)
    url = reverse("batch_exports:backfill", args=[snowflake["id"]])
    page = text(operator_client.post(url, {"start": local(hours_ago(6)), "end": local(end)}, **HTMX))
    end_field = page.split('name="end"', 1)[1].split("</label>", 1)[0]
    assert "is in the future" in end_field and f'value="{local(end)}"' in page  # what was typed stays
    assert "Backfill started" not in page and simulator.state.batch_exports.backfills(snowflake["id"]) == []


@pytest.mark.profiles("current", reason="only today's PostHog checks a weekly export's day")
def test_a_weekly_backfill_on_the_wrong_day_is_refused_on_its_field(client_as, operator, admin_user, simulator, sim):
    from apps.connections.services import connection_create

    project = sim.call("GET", "/api/projects/").json()["results"][1]["id"]
    connection_create(
        actor=admin_user, name="Mobile", host=simulator.url, api_key=simulator.keys.demo, project_id=str(project)
    )
    mobile = simulator.state.batch_exports.by_name("Mobile events to S3", project_id=project)
    today = datetime.now(UTC).date()
    monday = today - timedelta(days=today.weekday() + 14)
    form = {"start": monday.isoformat(), "end": (monday + timedelta(days=6)).isoformat()}
    page = text(client_as(operator).post(reverse("batch_exports:backfill", args=[mobile["id"]]), form, **HTMX))
    start_field = page.split('name="start"', 1)[1].split("</label>", 1)[0]
    assert "is not on the correct day of the week" in start_field and "weekly on Sunday" in start_field


def test_after_a_test_connection_the_page_offers_only_what_this_posthog_does(
    client_as, admin_user, demo_connection, simulator
):
    connection_test(connection=demo_connection)
    snowflake = export_of(simulator, "Snowflake (finance)")
    page = text(client_as(admin_user).get(detail_url(snowflake)))
    if simulator.profile.demo_key_scopes:
        assert "Run logs are not available here." in page and "does not accept personal API keys" in page
    else:
        assert ">Logs</a>" in page and "not available" not in page
