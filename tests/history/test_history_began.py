"""A new install's charts: the time before an item's history began reads "collecting since", never as failed polls,
and a gap after it still does."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from apps.history.models import BatchExportRunRecord, HogFunctionMetricSnapshot
from tests.history.test_pages import FIVE_MINUTES, every, snapshots, text

FUNCTION_ID = "0190a0b1-0000-7000-8000-000000000001"
EXPORT_ID = "0190a0b1-0000-7000-8000-000000000002"


def test_a_config_polled_for_an_hour_is_collecting_since_its_first_snapshot(client_as, viewer, connection):
    now = timezone.now()
    first = now - timedelta(hours=1)
    snapshots(connection, 7, every(FIVE_MINUTES, first, now), 0.99, name="S3 Export")

    page = text(client_as(viewer).get(reverse("history:delivery_config", args=[7])))

    assert 'class="chart-before"' in page and "collecting since" in page
    assert f"Collecting since {first:%Y-%m-%d %H:%M} UTC" in page
    assert 'class="chart-gap"' not in page  # the 23 hours before the first poll did not fail
    assert "legend-before" in page


def test_a_gap_after_history_began_still_reads_as_failed_polls(client_as, viewer, connection):
    now = timezone.now()
    first = now - timedelta(hours=6)
    times = [
        at for at in every(FIVE_MINUTES, first, now) if not now - timedelta(hours=3) <= at < now - timedelta(hours=2)
    ]
    snapshots(connection, 7, times, 0.99)

    page = text(client_as(viewer).get(reverse("history:delivery_config", args=[7])))

    assert page.count('class="chart-before"') == 1 and page.count('class="chart-gap"') == 1
    assert "polling failed or paused" in page


def test_a_config_with_a_long_history_has_no_collecting_band(client_as, viewer, connection):
    now = timezone.now()
    snapshots(connection, 7, every(timedelta(hours=1), now - timedelta(days=5), now - timedelta(days=2)), hourly=True)
    snapshots(connection, 7, every(FIVE_MINUTES, now - timedelta(hours=3), now), 0.99)

    page = text(client_as(viewer).get(reverse("history:delivery_config", args=[7])))

    assert 'class="chart-before"' not in page and "collecting since" not in page
    assert 'class="chart-gap"' in page  # 21 hours without snapshots after history began: polling failed


def test_the_overview_sparkline_of_a_first_poll_says_collecting_since(client_as, viewer, connection):
    now = timezone.now()
    snapshots(connection, 7, [now - timedelta(minutes=2)], 0.99, name="New config")
    snapshots(connection, 8, every(timedelta(hours=1), now - timedelta(days=8), now), 0.98, name="Old config")

    page = text(client_as(viewer).get(reverse("history:delivery_overview")))

    assert page.count('class="sparkline-collecting"') == 1
    assert "Delivery rate of New config over the last 7 days, in 3-hour averages: collecting since" in page
    assert page.count('<svg class="sparkline"') == 1  # the old config draws its line
    assert "{#" not in page and "{% comment" not in page


def test_run_charts_are_collecting_since_the_first_stored_hour_or_run(client_as, viewer, connection):
    now = timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    HogFunctionMetricSnapshot.objects.bulk_create(
        HogFunctionMetricSnapshot(
            connection=connection,
            project_id="1",
            function_id=FUNCTION_ID,
            function_name="CRM sync",
            hour=hour - timedelta(hours=h),
            succeeded=10,
            failed=1,
            taken_at=now,
        )
        for h in range(4)
    )
    BatchExportRunRecord.objects.create(
        connection=connection,
        project_id="1",
        export_id=EXPORT_ID,
        export_name="Snowflake",
        run_id="run-1",
        status="Completed",
        created_at=now - timedelta(days=2),
        finished_at=now - timedelta(days=2),
        polled_at=now,
    )
    client = client_as(viewer)

    function = text(client.get(reverse("history:function_chart", args=[FUNCTION_ID])))
    export = text(client.get(reverse("history:export_chart", args=[EXPORT_ID]), {"range": "30d"}))

    assert f"collecting since {hour - timedelta(hours=3):%Y-%m-%d %H:%M} UTC" in function
    assert 'class="chart-gap"' not in function.split("chart-legend")[0]
    assert 'class="chart-before"' in export and "collecting since" in export
