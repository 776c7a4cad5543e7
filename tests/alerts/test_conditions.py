"""Each kind of rule against what the pollers stored: when its condition holds, by the data's own time, for which
subjects, with which numbers; and its cost, which does not grow with the number of items."""

from datetime import timedelta

import pytest
from django.db import connection as database
from django.test.utils import CaptureQueriesContext
from django_celery_beat.models import PeriodicTask

from apps.alerts.conditions import conditions_evaluate
from apps.alerts.models import AlertRule
from apps.audit.services import audit_record_local
from apps.connections.models import Connection
from apps.history.models import PollRun
from tests.alerts.evaluation_helpers import (
    EXPORT,
    FUNCTION,
    NOW,
    activity,
    export_run,
    hog_entries,
    hog_hour,
    log_entries,
    poll_run,
    rates,
    rule_of,
)

Kind, Scope = AlertRule.Kind, AlertRule.Scope
pytestmark = pytest.mark.django_db


def subjects(rule, now=NOW):
    return {finding.subject: finding for finding in conditions_evaluate(rule=rule, now=now)}


# Rate below a threshold for N minutes -------------------------------------------------------------------------


def test_a_rate_below_the_threshold_in_every_sample_of_the_window_fires_with_its_numbers(connection):
    rates(connection, 8, 0.62, 0.60, 0.58)  # 10 min, 5 min ago and now
    rates(connection, 9, 0.99, 0.50, 0.40, name="Healthy before")  # one sample of the window still above
    rates(connection, 10, 0.99, 0.99, 0.99, name="Fine")
    rule = rule_of(connection, Kind.RATE_BELOW, threshold=0.95, minutes=12)

    found = subjects(rule)

    assert set(found) == {"plugin_config:1:8"}
    finding = found["plugin_config:1:8"]
    assert finding.subject_name == "S3 Export"
    assert finding.values == {
        "rate": 0.62, "threshold": 0.95, "minutes": 12, "samples": 3, "figure": "delivery rate",
    }  # fmt: skip
    assert finding.started_at == NOW - timedelta(minutes=10)
    assert finding.link == "/plugin-configs/8/"


def test_no_sample_in_the_window_is_not_a_failure_nor_is_a_disabled_config(connection):
    rates(connection, 8, 0.1, every_minutes=30)  # the one sample is 0 min ago...
    rates(connection, 11, 0.1, enabled=False, name="Switched off")
    rule = rule_of(connection, Kind.RATE_BELOW, threshold=0.95, minutes=15)

    assert set(subjects(rule)) == {"plugin_config:1:8"}
    # 20 min later no sample is in the window: an alert open on it stays open (stopped snapshots are no recovery),
    # but none may open; once the last sample is older than the window and STALE_AFTER, nothing is judged at all.
    assert not subjects(rule, now=NOW + timedelta(minutes=20))["plugin_config:1:8"].opens
    assert subjects(rule, now=NOW + timedelta(minutes=50)) == {}


def test_a_rule_on_one_item_sees_that_item_only_with_its_newest_error(connection):
    rates(connection, 8, 0.5)
    rates(connection, 9, 0.5, name="Other")
    log_entries(connection, 8, at=NOW - timedelta(minutes=3), message="S3 said 403 AccessDenied")
    rule = rule_of(
        connection, Kind.RATE_BELOW, scope=Scope.ITEM, project_id="1", item_type="plugin_config", item_id="8",
        threshold=0.95,
    )  # fmt: skip

    found = subjects(rule)

    assert set(found) == {"plugin_config:1:8"}
    assert found["plugin_config:1:8"].message == "S3 said 403 AccessDenied"


def test_a_hog_functions_runs_of_the_hours_in_the_window_are_its_rate(connection):
    hog_hour(connection, FUNCTION, hour=NOW, succeeded=10, failed=40)
    hog_hour(connection, FUNCTION, hour=NOW - timedelta(hours=3), succeeded=100, failed=0)  # outside the window
    hog_entries(connection, FUNCTION, at=NOW - timedelta(minutes=1), message="Timed out after 10 s")
    rule = rule_of(connection, Kind.RATE_BELOW, threshold=0.9, minutes=15)

    found = subjects(rule)

    assert set(found) == {f"hog_function:1:{FUNCTION}"}
    assert found[f"hog_function:1:{FUNCTION}"].values["rate"] == 0.2
    assert found[f"hog_function:1:{FUNCTION}"].values["figure"] == "runs succeeded"


# ERROR entries above N in a window; entries matching a text -------------------------------------------------


def test_errors_above_the_count_in_the_window_fire_and_as_many_do_not(connection):
    log_entries(connection, 8, at=NOW - timedelta(minutes=1), n=6)
    log_entries(connection, 9, at=NOW - timedelta(minutes=1), n=5)
    log_entries(connection, 9, at=NOW - timedelta(minutes=1), n=20, type="INFO")
    hog_entries(connection, FUNCTION, at=NOW - timedelta(minutes=2), n=7)
    rule = rule_of(connection, Kind.ERRORS_ABOVE, count=5, minutes=10)

    found = subjects(rule)

    assert set(found) == {"plugin_config:1:8", f"hog_function:1:{FUNCTION}"}
    assert found["plugin_config:1:8"].values == {"errors": 6, "count": 5, "minutes": 10}
    assert found["plugin_config:1:8"].message == "HTTP 503 from S3"


def test_a_poller_catching_up_on_old_errors_never_fires(connection):
    # A thousand errors stored just now, but timestamped an hour ago: the poller was behind, the errors are history.
    log_entries(connection, 8, at=NOW - timedelta(hours=1), n=1000)
    rule = rule_of(connection, Kind.ERRORS_ABOVE, count=5, minutes=10)

    assert subjects(rule) == {}


def test_an_entry_matching_a_text_fires_whatever_its_case_or_level(connection):
    log_entries(connection, 8, at=NOW - timedelta(minutes=2), type="WARN", message="Upload TIMEOUT on part 3")
    log_entries(connection, 9, at=NOW - timedelta(minutes=2), message="All good")
    log_entries(connection, 10, at=NOW - timedelta(hours=2), message="timeout, long ago")
    rule = rule_of(connection, Kind.LOG_MATCHES, text="timeout", minutes=30)

    found = subjects(rule)

    assert set(found) == {"plugin_config:1:8"}
    assert found["plugin_config:1:8"].values == {"matches": 1, "text": "timeout", "minutes": 30}


# Batch exports ------------------------------------------------------------------------------------------------


def test_a_failed_newest_run_fires_and_a_later_success_ends_it(connection):
    export_run(connection, status="Completed", created_at=NOW - timedelta(hours=2))
    export_run(connection, status="Failed", created_at=NOW - timedelta(minutes=6), error="S3 bucket not found")
    rule = rule_of(connection, Kind.EXPORT_FAILED, minutes=15)

    finding = subjects(rule)[f"batch_export:1:{EXPORT}"]
    assert finding.opens and finding.message == "S3 bucket not found"
    assert finding.values["status"] == "Failed"

    export_run(connection, status="Completed", created_at=NOW - timedelta(minutes=3))
    assert subjects(rule) == {}


def test_a_failure_the_poller_caught_up_on_from_days_ago_may_not_open_an_alert(connection):
    export_run(connection, status="Failed", created_at=NOW - timedelta(days=2))
    rule = rule_of(connection, Kind.EXPORT_FAILED, minutes=15)

    assert not subjects(rule)[f"batch_export:1:{EXPORT}"].opens


def test_no_successful_run_for_longer_than_the_interval_times_n_is_overdue(connection):
    export_run(connection, status="Completed", created_at=NOW - timedelta(hours=3, minutes=2))
    export_run(connection, status="Failed", created_at=NOW - timedelta(hours=1), error="Throttled by S3")
    rule = rule_of(connection, Kind.EXPORT_OVERDUE, count=2)

    finding = subjects(rule)[f"batch_export:1:{EXPORT}"]
    assert finding.values["interval_minutes"] == 60 and finding.values["count"] == 2
    assert finding.message == "Throttled by S3"
    assert subjects(rule_of(connection, Kind.EXPORT_OVERDUE, count=4)) == {}


# Changes outside the portal, rolled keys ----------------------------------------------------------------------


def test_a_change_in_posthog_no_portal_write_made_fires_once_per_entry_within_the_window(connection, admin_user):
    outside = activity(connection, activity_name="disabled", at=NOW - timedelta(minutes=2))
    ours = audit_record_local(actor=admin_user, area="plugin_configs", object_id="8", method="PATCH", description="x")
    activity(connection, activity_name="disabled", at=NOW - timedelta(minutes=2), audit_event=ours)
    activity(connection, activity_name="job_triggered", at=NOW - timedelta(minutes=2))  # not a change
    rule = rule_of(connection, Kind.CHANGED_OUTSIDE, minutes=15)

    found = subjects(rule)

    assert set(found) == {f"activity:{connection.pk}:{outside.activity_id}"}
    assert found[f"activity:{connection.pk}:{outside.activity_id}"].values["by"] == "Jane Doe"
    assert subjects(rule, now=NOW + timedelta(minutes=12)) != {}  # 14 minutes after the entry: still in the window
    assert subjects(rule, now=NOW + timedelta(minutes=14)) == {}  # 16 minutes after: out of it


def test_a_rolled_secret_key_or_reset_token_fires(connection, admin_user):
    audit_record_local(
        actor=admin_user, connection=connection, area="project_secret_api_keys", object_id="k1", method="POST",
        description="/api/environments/1/project_secret_api_keys/k1/roll/", action="roll", object_name="CI key",
    )  # fmt: skip
    audit_record_local(
        actor=admin_user, connection=connection, area="project_secret_api_keys", object_id="k2", method="PATCH",
        description="edit", action="edit",
    )  # fmt: skip
    rule = rule_of(connection, Kind.KEY_ROLLED, minutes=60)

    found = list(subjects(rule, now=NOW + timedelta(minutes=1)).values())

    assert [f.subject_name for f in found] == ["Secret API key CI key"]
    assert found[0].values["by"] == admin_user.username


# The pollers --------------------------------------------------------------------------------------------------


def test_a_scheduled_poller_without_a_success_for_n_minutes_is_stale_and_says_why(connection):
    Connection.objects.filter(pk=connection.pk).update(created_at=NOW - timedelta(days=1))
    connection.refresh_from_db()
    poll_run(connection, PollRun.Kind.LOGS, at=NOW - timedelta(minutes=40), status=PollRun.Status.OK)
    poll_run(connection, PollRun.Kind.LOGS, at=NOW - timedelta(minutes=1), status="failed", error="HTTP 502")
    for kind in (PollRun.Kind.DELIVERY, PollRun.Kind.ACTIVITY, PollRun.Kind.HOG_LOGS, PollRun.Kind.HOG_METRICS,
                 PollRun.Kind.EXPORT_RUNS):  # fmt: skip
        poll_run(connection, kind, at=NOW - timedelta(minutes=2), status=PollRun.Status.OK)
    rule = rule_of(connection, Kind.POLLER_STALE, minutes=15)

    found = subjects(rule)

    assert set(found) == {f"poller:{connection.pk}:logs"}
    assert found[f"poller:{connection.pk}:logs"].values["reason"] == "its runs fail"
    assert found[f"poller:{connection.pk}:logs"].message == "HTTP 502"

    PeriodicTask.objects.filter(task="apps.history.tasks.poll_logs").update(enabled=False)
    assert subjects(rule) == {}  # an Admin switched that poller off: not an alert


# Cost ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [Kind.RATE_BELOW, Kind.ERRORS_ABOVE, Kind.EXPORT_OVERDUE, Kind.CHANGED_OUTSIDE])
def test_the_queries_of_an_evaluation_do_not_grow_with_the_items(connection, kind):
    rule = rule_of(connection, kind, threshold=0.95, count=1, minutes=30)

    def queries():
        with CaptureQueriesContext(database) as captured:
            conditions_evaluate(rule=rule, now=NOW)
        return len(captured)

    def add(first, last):
        for n in range(first, last):
            rates(connection, n, 0.5, 0.4)
            log_entries(connection, n, at=NOW - timedelta(minutes=1), n=3)
            export_run(connection, status="Failed", created_at=NOW - timedelta(hours=5), export=f"{EXPORT[:-4]}{n:04d}")
            activity(connection, activity_name="updated", at=NOW - timedelta(minutes=1), item_id=str(n))

    add(1, 4)
    few = queries()
    add(4, 40)
    assert len(conditions_evaluate(rule=rule, now=NOW)) >= 39
    assert queries() == few
