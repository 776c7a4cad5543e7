"""What "healthy" means, in one place: a verdict from an item's rate, its errors of the last hour and how fresh
the portal's reading of it is. Plugin configs, hog functions and batch exports are judged by the same rules
(apps/history/selectors/health.py gathers their inputs); pages only show the verdict and its reasons.

A rate alone is not health: a config PostHog reports at 100 % can have logged 503s a minute ago (PostHog's 24-hour
rate moves slowly), so errors of the last hour weigh as much as the rate. Nothing is called healthy without a
measurement, nor from a reading older than STALE_AFTER.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

FAILING, DEGRADED, UNKNOWN, HEALTHY = "failing", "degraded", "unknown", "healthy"
# The order rows are read in: the worst first (unknown before healthy: it may hide anything).
VERDICTS = (FAILING, DEGRADED, UNKNOWN, HEALTHY)
SEVERITY = {verdict: rank for rank, verdict in enumerate(VERDICTS)}

# PostHog's own badge colours for a delivery rate: green from 99 %, yellow from 75 %, red below.
HEALTHY_RATE = 0.99
FAILING_RATE = 0.75
# Errors of the last hour: one is worth a look (degraded); ten mean it is failing now, whatever the 24-hour rate.
ERRORS_WINDOW = timedelta(hours=1)
FAILING_ERRORS = 10
# The pollers read a quiet item at least every 10 minutes (log_poller.QUIET_MAX) and take delivery snapshots every
# 5: a reading three times older than that means they stopped reading it, and what it said may no longer hold.
STALE_AFTER = timedelta(minutes=30)


@dataclass(frozen=True)
class Verdict:
    state: str  # FAILING, DEGRADED, UNKNOWN, HEALTHY
    reasons: tuple[str, ...]  # why, in words, the worst first
    stale: bool  # the pollers have not read the item since STALE_AFTER (or never)

    @property
    def severity(self) -> int:
        return SEVERITY[self.state]


def verdict_of(
    *,
    rate: float | None,
    errors_last_hour: int,
    as_of: datetime | None,
    now: datetime,
    latest_failed: bool = False,
    errors_known: bool = True,
    rate_label: str = "rate",
    unmeasured: str = "nothing measured",
) -> Verdict:
    """The verdict on one item.

    - failing: a rate below FAILING_RATE, FAILING_ERRORS or more errors in the last hour, or (a batch export) its
      newest run failed;
    - degraded: a rate below HEALTHY_RATE, or any error in the last hour;
    - unknown: nothing measured (no rate: `unmeasured` says why), or never read, or a reading older than
      STALE_AFTER, or logs never read (`errors_known` False), where it would otherwise be healthy;
    - healthy: a measured rate of HEALTHY_RATE or more, no error in the last hour, read recently.

    Failure seen in an old reading stays failing (it is the newest evidence), with "not polled since" among its
    reasons.
    """
    failing: list[str] = []
    degraded: list[str] = []
    if latest_failed:
        failing.append("its newest run failed")
    if errors_last_hour >= FAILING_ERRORS:
        failing.append(f"{errors_last_hour:,} errors in the last hour")
    elif errors_last_hour:
        degraded.append(f"{errors_last_hour:,} error{'s' if errors_last_hour != 1 else ''} in the last hour")
    if rate is not None and rate < FAILING_RATE:
        failing.append(f"{rate_label} {percent(rate)}")
    elif rate is not None and rate < HEALTHY_RATE:
        degraded.append(f"{rate_label} {percent(rate)}")
    stale = as_of is None or now - as_of > STALE_AFTER
    freshness = (
        [] if not stale else ["never polled"] if as_of is None else [f"not polled since {as_of:%Y-%m-%d %H:%M} UTC"]
    )
    if failing:
        return Verdict(FAILING, tuple(failing + degraded + freshness), stale)
    if degraded:
        return Verdict(DEGRADED, tuple(degraded + freshness), stale)
    if stale:
        return Verdict(UNKNOWN, tuple(freshness), stale)
    if rate is None:
        return Verdict(UNKNOWN, (unmeasured,), stale)
    if not errors_known:
        return Verdict(UNKNOWN, (f"{rate_label} {percent(rate)}, but its logs have not been read yet",), stale)
    return Verdict(HEALTHY, (f"{rate_label} {percent(rate)}, no error in the last hour",), stale)


def percent(rate: float) -> str:
    """99.5 %: as the delivery badge and the charts write a rate."""
    return f"{rate * 100:.1f} %"
