"""The chart geometry of apps/history/charts.py, without Django: where lines break, what is shaded, where lines sit."""

from datetime import UTC, datetime, timedelta

import pytest

from apps.history.charts import CHART, SPARKLINE, Point, axis_floor, line_chart

SINCE = datetime(2024, 5, 1, tzinfo=UTC)
UNTIL = SINCE + timedelta(days=1)
FIVE_MINUTES = timedelta(minutes=5)
MAX_GAP = FIVE_MINUTES * 2.5


def every_five_minutes(start: datetime, count: int, value: float | None = 1.0) -> list[tuple[datetime, float | None]]:
    return [(start + FIVE_MINUTES * n, value) for n in range(count)]


def chart(points, **kwargs):
    return line_chart(points, since=SINCE, until=UNTIL, max_gap=MAX_GAP, **kwargs)


def xs(segment: str) -> list[float]:
    return [float(pair.split(",")[0]) for pair in segment.split()]


def ys(segment: str) -> list[float]:
    return [float(pair.split(",")[1]) for pair in segment.split()]


def test_a_full_day_of_snapshots_is_one_line_across_the_plot():
    result = chart(every_five_minutes(SINCE, 289))
    assert len(result.segments) == 1
    assert xs(result.segments[0])[0] == CHART.left and xs(result.segments[0])[-1] == CHART.plot_right
    assert result.gaps == [] and result.nulls == []
    assert len(result.markers) == 289


def test_missing_snapshots_break_the_line_and_shade_the_gap():
    before = every_five_minutes(SINCE, 100)  # until 08:15
    after = every_five_minutes(SINCE + timedelta(hours=10), 169)  # from 10:00 to the end
    result = chart(before + after)

    assert len(result.segments) == 2
    assert len(result.gaps) == 1
    gap = result.gaps[0]
    assert gap.x == pytest.approx(xs(result.segments[0])[-1])
    assert gap.x + gap.width == pytest.approx(xs(result.segments[1])[0])
    assert "08:15" in gap.title and "10:00" in gap.title and "polling failed or paused" in gap.title


def test_a_late_snapshot_within_two_and_a_half_intervals_keeps_the_line():
    points = [(SINCE, 1.0), (SINCE + timedelta(minutes=12), 1.0), (SINCE + timedelta(minutes=25), 1.0)]
    result = line_chart(points, since=SINCE, until=SINCE + timedelta(minutes=25), max_gap=MAX_GAP)
    assert len(result.segments) == 1  # 12 minutes apart is under 12.5
    result = line_chart(points, since=SINCE, until=SINCE + timedelta(minutes=25), max_gap=timedelta(minutes=10))
    assert len(result.gaps) == 2 and result.segments == []
    assert len(result.dots) == 3  # runs of one value still show


def test_nulls_are_not_drawn_as_zero_but_as_a_grey_band():
    points = every_five_minutes(SINCE, 50, 0.99) + every_five_minutes(SINCE + FIVE_MINUTES * 50, 6, None)
    points += every_five_minutes(SINCE + FIVE_MINUTES * 56, 233, 0.5)
    result = chart(points)

    assert len(result.segments) == 2  # the line stops at the nulls and starts again after them
    assert all(y < CHART.plot_bottom for segment in result.segments for y in ys(segment))
    assert len(result.null_markers) == 6 and all("no metrics" in m.title for m in result.null_markers)
    assert len(result.nulls) == 1
    band = result.nulls[0]
    assert band.x == pytest.approx(result.null_markers[0].x)
    assert band.x + band.width == pytest.approx(xs(result.segments[1])[0])
    assert len(result.markers) == 283  # hover titles only for real values
    assert result.gaps == []


def test_hourly_points_allow_hours_between_them_and_meet_the_raw_ones_without_a_gap():
    hourly = [Point(SINCE + timedelta(hours=h), 0.9, timedelta(hours=2.5), "hourly average") for h in range(20)]
    raw = every_five_minutes(SINCE + timedelta(hours=20, minutes=3), 48)
    result = chart(hourly + raw)
    assert len(result.segments) == 1 and result.gaps == []
    assert "hourly average" in result.markers[0].title


def test_thresholds_sit_at_their_share_of_the_plot_height():
    result = chart(every_five_minutes(SINCE, 10), thresholds=[(0.99, "good"), (0.75, "warn")])
    good, warn = result.thresholds
    assert good.y == pytest.approx(CHART.top + 0.01 * CHART.plot_height, abs=0.01)
    assert warn.y == pytest.approx(CHART.top + 0.25 * CHART.plot_height, abs=0.01)
    assert (good.label, good.level, warn.label) == ("99 %", "good", "75 %")
    assert [tick.label for tick in result.y_ticks] == ["0 %", "25 %", "50 %", "75 %", "100 %"]
    assert result.y_ticks[0].position == CHART.plot_bottom and result.y_ticks[-1].position == CHART.top


def test_rates_near_100_percent_get_a_zoomed_axis_without_the_lines_below_it():
    assert axis_floor([0.995, None, 0.93]) == 0.9
    assert (axis_floor([0.8, 1.0]), axis_floor([0.6]), axis_floor([0.1]), axis_floor([None])) == (0.7, 0.5, 0.0, 0.0)
    assert axis_floor([0.9]) == 0.7  # not on the axis itself

    result = chart(every_five_minutes(SINCE, 10, 0.95), y_min=0.9, thresholds=[(0.99, "good"), (0.75, "warn")])

    assert [t.label for t in result.thresholds] == ["99 %"]
    assert result.thresholds[0].y == pytest.approx(CHART.top + 0.1 * CHART.plot_height, abs=0.01)
    assert [tick.label for tick in result.y_ticks] == ["90 %", "92.5 %", "95 %", "97.5 %", "100 %"]
    assert ys(result.segments[0]) == [pytest.approx(CHART.top + CHART.plot_height / 2)] * 10


def test_values_outside_the_axis_are_clamped_into_the_plot():
    result = chart([(SINCE, 1.7), (SINCE + FIVE_MINUTES, -0.2)])
    assert ys(result.segments[0]) == [CHART.top, CHART.plot_bottom]


def test_time_ticks_are_round_utc_times_inside_the_range():
    result = chart([])
    labels = [tick.label for tick in result.x_ticks]
    assert labels[0] == "01 May" and "12:00" in labels and labels[-1] == "02 May"
    assert all(CHART.left <= tick.position <= CHART.plot_right for tick in result.x_ticks)
    month = line_chart([], since=SINCE, until=SINCE + timedelta(days=30), max_gap=MAX_GAP)
    assert 2 <= len(month.x_ticks) <= 8 and all(":" not in tick.label for tick in month.x_ticks)


def test_an_empty_series_is_empty_without_gaps():
    result = chart([])
    assert result.empty
    assert (result.segments, result.dots, result.markers, result.gaps, result.nulls) == ([], [], [], [], [])


def test_missing_data_at_the_start_and_end_is_a_gap_but_the_future_is_not():
    points = every_five_minutes(SINCE + timedelta(hours=6), 12)  # 06:00 to 06:55
    result = chart(points, observed_until=SINCE + timedelta(hours=8))
    assert len(result.gaps) == 2
    leading, trailing = result.gaps
    assert leading.x == CHART.left
    assert trailing.x + trailing.width == pytest.approx(CHART.left + CHART.plot_width / 3)  # 08:00, not midnight
    assert "to now" in trailing.title


def test_a_sparkline_has_no_axes_nor_hover_markers():
    result = chart(every_five_minutes(SINCE, 20), frame=SPARKLINE, axes=False, hover=False)
    assert result.x_ticks == [] and result.y_ticks == [] and result.markers == []
    assert len(result.segments) == 1
    assert all(0 <= y <= SPARKLINE.height for y in ys(result.segments[0]))


def test_points_outside_the_range_are_left_out():
    points = [(SINCE - timedelta(hours=1), 0.1), *every_five_minutes(SINCE, 3), (UNTIL + timedelta(hours=1), 0.1)]
    result = line_chart(points, since=SINCE, until=SINCE + timedelta(minutes=10), max_gap=MAX_GAP)
    assert len(result.markers) == 3


def test_a_range_must_move_forward():
    with pytest.raises(ValueError):
        line_chart([], since=UNTIL, until=SINCE, max_gap=MAX_GAP)


# Before history began


def test_the_time_before_history_began_is_collecting_not_a_gap():
    began = SINCE + timedelta(hours=6)
    points = every_five_minutes(began, 12)  # 06:00 to 06:55, the item's first snapshots
    result = chart(points, observed_until=SINCE + timedelta(hours=8), began=began)

    assert result.before is not None
    assert result.before.x == CHART.left
    assert result.before.x + result.before.width == pytest.approx(xs(result.segments[0])[0])
    assert "Collecting since 2024-05-01 06:00 UTC" in result.before.title
    assert "not a failure" in result.before.title
    # Only the trailing stretch after the last snapshot is a gap: nothing before 06:00 is said to have failed.
    assert len(result.gaps) == 1 and result.gaps[0].x == pytest.approx(xs(result.segments[0])[-1])
    assert "polling failed or paused" in result.gaps[0].title
    assert (result.began_label, result.began_short) == ("2024-05-01 06:00 UTC", "01 May 06:00 UTC")


def test_a_gap_after_history_began_stays_a_gap():
    began = SINCE + timedelta(hours=2)
    points = every_five_minutes(began, 12) + every_five_minutes(SINCE + timedelta(hours=10), 12)
    result = chart(points, observed_until=SINCE + timedelta(hours=11), began=began)

    assert result.before is not None and result.before.x + result.before.width == pytest.approx(
        xs(result.segments[0])[0]
    )
    assert len(result.gaps) == 1
    assert "02:55" in result.gaps[0].title and "10:00" in result.gaps[0].title


def test_history_that_began_before_the_range_changes_nothing():
    points = every_five_minutes(SINCE + timedelta(hours=6), 12)
    without = chart(points, observed_until=SINCE + timedelta(hours=8))
    result = chart(points, observed_until=SINCE + timedelta(hours=8), began=SINCE - timedelta(days=3))
    assert result.before is None and result.began is None and not result.collecting
    assert result.gaps == without.gaps and len(result.gaps) == 2  # the missing start is a failure


def test_history_that_began_a_while_before_its_first_sample_in_range_leaves_that_while_a_gap():
    # The first snapshot of this range came long after history began: the stretch between is a gap, the stretch
    # before history began is not.
    began = SINCE + timedelta(hours=1)
    points = every_five_minutes(SINCE + timedelta(hours=5), 12)
    result = chart(points, observed_until=SINCE + timedelta(hours=6), began=began)
    assert result.before is not None
    assert result.before.width == pytest.approx(CHART.plot_width / 24, abs=0.2)
    assert len(result.gaps) == 1 and "01:00" in result.gaps[0].title and "05:00" in result.gaps[0].title


def test_a_sparkline_with_fewer_than_two_samples_since_history_began_is_collecting():
    began = UNTIL - timedelta(minutes=3)
    one = chart([(began, 0.99)], frame=SPARKLINE, axes=False, hover=False, began=began)
    assert one.collecting and one.samples == 1
    two = chart(every_five_minutes(UNTIL - timedelta(minutes=10), 2), frame=SPARKLINE, axes=False, began=began)
    assert not two.collecting  # a line can be drawn
    none = chart([], frame=SPARKLINE, axes=False, began=began)
    assert none.collecting and none.before is not None and none.gaps == []
    old = chart([(began, 0.99)], frame=SPARKLINE, axes=False, began=SINCE - timedelta(days=1))
    assert not old.collecting  # one sample, but history is older: the sparkline shows its gaps
