"""Line charts as SVG geometry, computed on the server: the templates only draw what these functions place.

Pure functions over (time, value | None) points, without Django. The same rules hold for the delivery
chart, the run charts and the overview's sparklines: the line breaks where samples are missing for longer than
expected (the pollers failed or were paused) and that stretch is shaded as "no data"; a sample without a value
(PostHog had no metrics) is drawn apart from the line as a grey band, never as 0. The time before the item's history
began (`began`: what it is for each chart is the caller's to say) is no failure: it is drawn as "collecting since",
so a new install does not look broken.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple


class Point(NamedTuple):
    at: datetime
    value: float | None
    # How far this sample may be from its neighbours before the line breaks; None: the chart's `max_gap`.
    # Hourly averages set 2.5 hours where raw snapshots use 2.5 polling intervals.
    max_gap: timedelta | None = None
    note: str = ""  # added to the hover title, e.g. "hourly average"


@dataclass(frozen=True)
class Frame:
    """The SVG's coordinate system (its viewBox) and the margins around the plot for the axes' labels."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def plot_bottom(self) -> int:
        return self.height - self.bottom

    @property
    def plot_middle(self) -> float:
        return self.top + self.plot_height / 2


# The margin above the plot holds annotation flags; a plot 210 high keeps the values' places on tenths.
CHART = Frame(width=800, height=260, left=46, right=40, top=20, bottom=30)
SPARKLINE = Frame(width=160, height=30, left=1, right=1, top=3, bottom=3)


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    title: str


@dataclass(frozen=True)
class Band:
    """A stretch of the time axis (full plot height): a gap without samples, or samples without a value."""

    x: float
    width: float
    title: str

    @property
    def middle(self) -> float:
        return self.x + self.width / 2


FLAG_WIDTH = 12
FLAG_HEIGHT = 11


@dataclass(frozen=True)
class Flag:
    """A moment marked on the time axis (annotations): a vertical line from a small flag above the plot."""

    x: float
    title: str  # one line per moment: flags closer than a flag's width share one
    count: int
    top: int
    bottom: int

    @property
    def head(self) -> str:
        """The flag's SVG path, in the margin above the plot."""
        return f"M{self.x},{self.top} h{FLAG_WIDTH} l-3,{FLAG_HEIGHT / 2} l3,{FLAG_HEIGHT / 2} h-{FLAG_WIDTH} z"

    @property
    def label(self) -> str:
        """How many moments share the flag, written on it when more than one."""
        return "" if self.count == 1 else str(self.count) if self.count < 10 else "9+"

    @property
    def label_at(self) -> tuple[float, float]:
        return round(self.x + (FLAG_WIDTH - 3) / 2, 1), self.top + FLAG_HEIGHT / 2


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Threshold:
    y: float
    label: str
    level: str  # a CSS modifier: good, warn


@dataclass(frozen=True)
class LineChart:
    frame: Frame
    segments: list[str]  # SVG polyline `points`, one per unbroken run of values
    dots: list[Marker]  # runs of a single value, which a polyline would not show
    markers: list[Marker]  # every value, for its hover title (empty when `hover` was off)
    nulls: list[Band]  # where samples had no value
    null_markers: list[Marker]
    gaps: list[Band]  # where samples are missing
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    thresholds: list[Threshold]
    before: Band | None = None  # the range's time before history began: nothing was collected, nothing failed
    began: datetime | None = None  # when history began, where that lies after the range's start
    samples: int = 0  # how many samples lie in the range

    @property
    def empty(self) -> bool:
        return not self.segments and not self.dots and not self.null_markers

    @property
    def collecting(self) -> bool:
        """History began within the range and holds fewer than two samples: too little to draw a line from, so a
        sparkline says "collecting since" instead of showing a blank box."""
        return self.began is not None and self.samples < 2

    @property
    def began_label(self) -> str:
        return f"{self.began.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if self.began else ""

    @property
    def began_short(self) -> str:
        """The label written in the chart's band, where the full date would not fit."""
        return f"{self.began.astimezone(UTC):%d %b %H:%M} UTC" if self.began else ""


def percent(value: float) -> str:
    return f"{value * 100:.1f} %"


def line_chart(
    points: Sequence[tuple],
    *,
    since: datetime,
    until: datetime,
    max_gap: timedelta,
    observed_until: datetime | None = None,
    frame: Frame = CHART,
    y_min: float = 0.0,
    y_max: float = 1.0,
    thresholds: Sequence[tuple[float, str]] = (),
    value_label: Callable[[float], str] = percent,
    axes: bool = True,
    hover: bool = True,
    began: datetime | None = None,
) -> LineChart:
    """Place `points` (`Point`s, or any tuples starting with time and value) between `since` and `until`.

    The value axis runs from `y_min` to `y_max`; values beyond are drawn at its edge, thresholds beyond it not at all.

    `observed_until` is where data could exist (now, for a range reaching into the future): the stretch after
    it is not a gap. `thresholds` are (value, level) lines, e.g. (0.99, "good").

    `began` is when the item's history began (its first stored sample, whether in the range or not): the stretch
    before it is "collecting since", not a gap. None: unknown, and a missing start is a gap as any other.
    """
    if until <= since:
        raise ValueError("until must be after since")
    observed_until = min(until, observed_until or until)
    start, x_scale = since.timestamp(), frame.plot_width / (until - since).total_seconds()
    y_range = y_max - y_min

    # Tenths of a viewBox unit are finer than any screen shows; the overview places ~85 000 of these, so the
    # loop below works on plain floats (epoch seconds) rather than datetimes.
    def x_at(timestamp: float) -> float:
        return round(frame.left + (timestamp - start) * x_scale, 1)

    def y_of(value: float) -> float:
        share = min(max((value - y_min) / y_range, 0.0), 1.0)
        return round(frame.top + (1 - share) * frame.plot_height, 1)

    samples = sorted(
        (p if isinstance(p, Point) else Point(p[0], p[1]) for p in points if since <= p[0] <= until),
        key=lambda p: p.at,
    )
    times = [sample.at.timestamp() for sample in samples]
    xs = [x_at(timestamp) for timestamp in times]
    allowed = [(sample.max_gap or max_gap).total_seconds() for sample in samples]
    # Where the range's history begins: the line's first stretch is measured from there, not from `since`.
    history_start, before = start, None
    if began is not None and began > since:
        history_start = min(began, observed_until).timestamp()
        if samples:
            history_start = min(history_start, times[0])  # a sample never lies before history began
        if history_start > start:
            before = Band(float(frame.left), round(x_at(history_start) - frame.left, 1), _before_title(began))
    runs: list[list[int]] = []  # indexes into samples, one list per unbroken run of values
    gaps: list[Band] = []
    nulls: list[Band] = []
    for i, sample in enumerate(samples):
        after, x_after = (times[i - 1], xs[i - 1]) if i else (history_start, x_at(history_start))
        if times[i] - after > max(allowed[i - 1] if i else 0, allowed[i]):
            gaps.append(Band(x_after, round(xs[i] - x_after, 1), _gap_title(after, times[i])))
            runs.append([])
        elif i == 0 or samples[i - 1].value is None:
            runs.append([])
        if sample.value is None:
            reaches = i + 1 < len(samples) and times[i + 1] - times[i] <= max(allowed[i], allowed[i + 1])
            nulls.append(Band(xs[i], max(round(xs[i + 1] - xs[i], 1) if reaches else 0, 1.5), ""))
        else:
            runs[-1].append(i)
    end = observed_until.timestamp()
    if samples and end - times[-1] > allowed[-1]:
        gaps.append(Band(xs[-1], round(x_at(end) - xs[-1], 1), _gap_title(times[-1], None)))

    # Where each value lies (runs hold only samples with one; a sample without lies on the axis).
    ys = [float(frame.plot_bottom) if sample.value is None else y_of(sample.value) for sample in samples]

    def marker(i: int) -> Marker:
        return Marker(xs[i], ys[i], _title(samples[i], value_label))

    return LineChart(
        frame=frame,
        segments=[" ".join(f"{xs[i]},{ys[i]}" for i in run) for run in runs if len(run) > 1],
        dots=[marker(run[0]) for run in runs if len(run) == 1],
        markers=[marker(i) for run in runs for i in run] if hover else [],
        nulls=_merged(nulls),
        null_markers=[
            Marker(xs[i], frame.plot_bottom, _title(sample, value_label))
            for i, sample in enumerate(samples)
            if sample.value is None
        ],
        gaps=gaps,
        x_ticks=_time_ticks(since, until, lambda at: x_at(at.timestamp()), target=max(2, frame.plot_width // 110))
        if axes
        else [],
        y_ticks=[Tick(y_of(value), _axis_label(value_label(value))) for value in _steps(y_min, y_max, 4)]
        if axes
        else [],
        thresholds=[
            Threshold(y_of(value), _axis_label(value_label(value)), level)
            for value, level in thresholds
            if y_min <= value <= y_max
        ],
        before=before,
        began=began if began is not None and began > since else None,
        samples=len(samples),
    )


def flags(
    moments: Sequence[tuple[datetime, str]], *, since: datetime, until: datetime, frame: Frame = CHART
) -> list[Flag]:
    """A flag for each (time, text) between `since` and `until`; moments closer than a flag's width share one,
    whose title lists them all, oldest first."""
    if until <= since:
        raise ValueError("until must be after since")
    scale = frame.plot_width / (until - since).total_seconds()
    placed: list[tuple[float, list[str]]] = []
    for at, text in sorted((m for m in moments if since <= m[0] <= until), key=lambda m: m[0]):
        x = round(frame.left + (at - since).total_seconds() * scale, 1)
        line = f"{at.astimezone(UTC):%Y-%m-%d %H:%M} UTC · {text}"
        if placed and x - placed[-1][0] < FLAG_WIDTH:
            placed[-1][1].append(line)
        else:
            placed.append((x, [line]))
    top = max(0, frame.top - FLAG_HEIGHT - 3)
    return [Flag(x, "\n".join(lines), len(lines), top, frame.plot_bottom) for x, lines in placed]


def axis_floor(
    values: Sequence[float | None], *, floors: Sequence[float] = (0.9, 0.7, 0.5, 0.0), headroom: float = 0.02
) -> float:
    """The highest of `floors` below every value (by `headroom`, so no line lies on the axis): rates that stay
    near 100 % get an axis that shows their changes."""
    lowest = min((value for value in values if value is not None), default=floors[-1])
    return next((floor for floor in floors if floor + headroom <= lowest), floors[-1])


def _steps(low: float, high: float, count: int) -> list[float]:
    return [low + (high - low) * step / count for step in range(count + 1)]


def _axis_label(label: str) -> str:
    """Axis labels without a zero decimal: "75 %" rather than "75.0 %"."""
    return label.replace(".0 ", " ")


def _title(sample: Point, value_label: Callable[[float], str]) -> str:
    value = "no metrics" if sample.value is None else value_label(sample.value)
    return f"{sample.at.astimezone(UTC):%Y-%m-%d %H:%M} UTC · {value}{f' ({sample.note})' if sample.note else ''}"


def _gap_title(start: float, end: float | None) -> str:
    def label(timestamp: float) -> str:
        return f"{datetime.fromtimestamp(timestamp, UTC):%Y-%m-%d %H:%M} UTC"

    return f"No data from {label(start)} to {label(end) if end else 'now'} (polling failed or paused)"


def _before_title(began: datetime) -> str:
    return (
        f"Collecting since {began.astimezone(UTC):%Y-%m-%d %H:%M} UTC: history began with the first poll that "
        "stored this, so there is nothing before it (not a failure)"
    )


def _merged(bands: list[Band]) -> list[Band]:
    """Adjacent bands of consecutive null samples become one, with a title saying how long it lasted."""
    merged: list[Band] = []
    for band in bands:
        if merged and band.x <= merged[-1].x + merged[-1].width + 0.01:
            last = merged[-1]
            merged[-1] = Band(last.x, max(last.width, band.x + band.width - last.x), "")
        else:
            merged.append(band)
    return [Band(b.x, b.width, "No metrics: PostHog reported no delivery rate") for b in merged]


TICK_STEPS = [timedelta(minutes=m) for m in (5, 10, 15, 30, 60, 120, 180, 360, 720)] + [
    timedelta(days=d) for d in (1, 2, 7, 14, 28)
]


def _time_ticks(since: datetime, until: datetime, x_of: Callable[[datetime], float], *, target: int) -> list[Tick]:
    """Round UTC times (whole hours, midnights) at most `target` of them; dates where a day begins."""
    span = until - since
    step = next((s for s in TICK_STEPS if span / s <= target), TICK_STEPS[-1])
    seconds = int(step.total_seconds())
    first = datetime.fromtimestamp(-(-int(since.timestamp()) // seconds) * seconds, UTC)
    ticks = []
    at = first
    while at <= until:
        midnight = at.hour == 0 and at.minute == 0
        ticks.append(Tick(x_of(at), f"{at:%d %b}" if midnight or step >= timedelta(days=1) else f"{at:%H:%M}"))
        at += step
    return ticks
