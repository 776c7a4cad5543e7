"""Annotations as flags on the delivery-rate chart: their geometry (no Django), then the chart page against the
simulator, including a PostHog that cannot answer."""

from datetime import UTC, datetime, timedelta

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from apps.history.charts import CHART, flags
from tests.history.test_pages import every, snapshots

SINCE = datetime(2024, 5, 1, tzinfo=UTC)
UNTIL = SINCE + timedelta(days=1)
ANNOTATIONS = "/api/projects/1/annotations/"
CONFIG = 7


# Geometry --------------------------------------------------------------------------------------------------


def test_a_flag_stands_where_its_moment_is_on_the_time_axis():
    (flag,) = flags([(SINCE + timedelta(hours=12), "Deployed v6")], since=SINCE, until=UNTIL)
    assert flag.x == pytest.approx(CHART.left + CHART.plot_width / 2, abs=0.1)
    assert flag.top < CHART.top and flag.bottom == CHART.plot_bottom  # the flag sits in the margin above the plot
    assert flag.title == "2024-05-01 12:00 UTC · Deployed v6" and flag.count == 1 and flag.label == ""
    assert flag.head.startswith(f"M{flag.x},{flag.top} ")


def test_moments_outside_the_range_get_no_flag():
    moments = [(SINCE - timedelta(minutes=1), "before"), (UNTIL + timedelta(minutes=1), "after"), (UNTIL, "at the end")]
    assert [flag.title.split(" · ")[1] for flag in flags(moments, since=SINCE, until=UNTIL)] == ["at the end"]


def test_moments_closer_than_a_flag_share_one_that_lists_them_oldest_first():
    noon = SINCE + timedelta(hours=12)
    moments = [(noon + timedelta(minutes=5), "second"), (noon, "first"), (noon + timedelta(hours=3), "apart")]
    shared, apart = flags(moments, since=SINCE, until=UNTIL)
    assert shared.count == 2 and shared.label == "2"
    assert shared.title.splitlines() == ["2024-05-01 12:00 UTC · first", "2024-05-01 12:05 UTC · second"]
    assert apart.count == 1 and apart.x > shared.x + 10

    crowded = flags([(noon + timedelta(seconds=n), f"n{n}") for n in range(12)], since=SINCE, until=UNTIL)
    assert len(crowded) == 1 and crowded[0].label == "9+"


def test_an_empty_range_is_refused():
    with pytest.raises(ValueError):
        flags([], since=UNTIL, until=SINCE)


# The delivery chart ----------------------------------------------------------------------------------------


@pytest.fixture
def delivery_day(demo_connection):
    """A day of five-minute delivery-rate snapshots of config 7 in the demo project, with a dip."""
    now = timezone.now()
    dip = (now - timedelta(hours=4), now - timedelta(hours=2))

    def rate(at):
        return 0.6 if dip[0] <= at < dip[1] else 0.995

    snapshots(demo_connection, CONFIG, every(timedelta(minutes=5), now - timedelta(days=1), now), rate)
    return now


def annotate(sim, content: str, at: datetime, scope: str = "project") -> None:
    sim.call("POST", ANNOTATIONS, json={"content": content, "date_marker": at.isoformat(), "scope": scope})


def annotation_reads(simulator) -> list[dict]:
    return [e for e in simulator.requests() if e["method"] == "GET" and e["path"] == ANNOTATIONS]


@pytest.mark.django_db
def test_the_chart_flags_the_projects_annotations_of_its_range(client_as, viewer, delivery_day, sim, simulator):
    now = delivery_day
    annotate(sim, '<script>alert("x")</script> Deployed v6 & "friends"', now - timedelta(hours=3))
    annotate(sim, "Org-wide: CDN switch", now - timedelta(hours=6), scope="organization")
    annotate(sim, "Only for one insight", now - timedelta(hours=2), scope="dashboard_item")
    annotate(sim, "Three days ago", now - timedelta(days=3))

    response = client_as(viewer).get(reverse("history:delivery_config", args=[CONFIG]))

    html = response.content.decode()
    assert response.status_code == 200 and 'class="chart-line"' in html
    assert html.count('<g class="chart-flag">') == 2
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Deployed v6 &amp; &quot;friends&quot;" in html
    assert "<script>alert" not in html
    assert "Org-wide: CDN switch" in html
    assert "Only for one insight" not in html and "Three days ago" not in html
    assert "annotation: hover its flag" in html and "could not be loaded" not in html
    (read,) = annotation_reads(simulator)  # one request, bounded to the chart's range
    since = datetime.fromisoformat(read["query"]["date_from"].replace("Z", "+00:00"))
    assert abs(since - (now - timedelta(days=1))) < timedelta(minutes=1) and "date_to" in read["query"]


@pytest.mark.django_db
def test_without_posthog_the_chart_shows_without_flags_and_says_why(client_as, viewer, delivery_day, sim, simulator):
    annotate(sim, "Deployed v6", delivery_day - timedelta(hours=3))
    requests.post(f"{simulator.url}/_simulator/faults", json={"error_rate": 1.0, "error_status": 503}, timeout=5)

    response = client_as(viewer).get(reverse("history:delivery_config", args=[CONFIG]))

    html = response.content.decode()
    assert response.status_code == 200 and 'class="chart-line"' in html
    assert 'class="chart-flag"' not in html
    assert "The project's annotations could not be loaded from PostHog, so none are marked" in html
    assert len(annotation_reads(simulator)) == 1  # tried once: the chart does not wait on retries


@pytest.mark.django_db
def test_a_config_without_snapshots_asks_posthog_nothing(client_as, viewer, demo_connection, simulator):
    html = client_as(viewer).get(reverse("history:delivery_config", args=[99])).content.decode()
    assert "No snapshots of this config yet" in html
    assert annotation_reads(simulator) == []
