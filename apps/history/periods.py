"""The overview's periods of HOURS hours, counted from 1970-01-01 UTC, the moments they start, and how a day's eight
of them are packed into one DeliveryDay row.

A day's row holds, for each of its periods in order, three big-endian doubles: the mean of its hourly means (NaN:
no hour had a rate), the lowest hourly mean (NaN likewise) and the hours with a rate (ABSENT: no hourly row at
all, a break in the line). Packed, because a 5,000-config week is 280,000 periods: read as one bytes value a day,
they become Python numbers in C (`array`) instead of one database row each. Big-endian is PostgreSQL's
`float8send`, so SQL can pack them too (bench/queries.py).
"""

import math
import sys
from array import array
from datetime import UTC, datetime, timedelta

HOURS = 3
PERIODS_A_DAY = 24 // HOURS
PERIOD_SECONDS = HOURS * 3600
ABSENT = -1.0  # the hours of a period without hourly rows
VALUES = 3  # a period's doubles: mean, lowest, hours
NAN = math.nan

Period = tuple[float | None, float | None, int]  # (mean, lowest, hours with a rate)


def period_of(at: datetime) -> int:
    """The period `at` falls in."""
    return int(at.timestamp()) // PERIOD_SECONDS


def period_start(period: int) -> datetime:
    return datetime.fromtimestamp(period * PERIOD_SECONDS, UTC)


def period_floor(at: datetime) -> datetime:
    """The start of the period `at` falls in."""
    return period_start(period_of(at))


def day_of_period(period: int) -> int:
    return period // PERIODS_A_DAY


def periods_unpack(packed: bytes) -> list[float]:
    """A day's (or several days', joined) doubles, in order: mean, lowest, hours of each period."""
    values = array("d", packed)
    if sys.byteorder == "little":
        values.byteswap()
    return values.tolist()


def periods_pack(values: list[float]) -> bytes:
    packed = array("d", values)
    if sys.byteorder == "little":
        packed.byteswap()
    return packed.tobytes()


EMPTY_DAY = periods_pack([NAN, NAN, ABSENT] * PERIODS_A_DAY)


def day_with(packed: bytes, periods: dict[int, Period]) -> bytes:
    """The day `packed` with these periods (by their place in the day, 0–7) replaced."""
    values = periods_unpack(packed)
    for place, (rate, lowest, hours) in periods.items():
        values[place * VALUES : (place + 1) * VALUES] = [
            NAN if rate is None else rate,
            NAN if lowest is None else lowest,
            float(hours),
        ]
    return periods_pack(values)


def day_periods(packed: bytes) -> dict[int, Period]:
    """The periods a day's row holds, by their place in the day: what a test or a person reading one would want."""
    values = periods_unpack(packed)
    return {
        place: (None if hours == 0 else rate, None if hours == 0 else lowest, int(hours))
        for place, (rate, lowest, hours) in enumerate(zip(values[0::3], values[1::3], values[2::3], strict=True))
        if hours != ABSENT
    }


PERIOD = timedelta(seconds=PERIOD_SECONDS)
