"""The overview's periods of DeliveryPeriod.HOURS hours, counted from 1970-01-01 UTC, and the moments they start."""

from datetime import UTC, datetime, timedelta

from apps.history.models import DeliveryPeriod

PERIOD_SECONDS = DeliveryPeriod.HOURS * 3600


def period_of(at: datetime) -> int:
    """The period `at` falls in."""
    return int(at.timestamp()) // PERIOD_SECONDS


def period_start(period: int) -> datetime:
    return datetime.fromtimestamp(period * PERIOD_SECONDS, UTC)


def period_floor(at: datetime) -> datetime:
    """The start of the period `at` falls in."""
    return period_start(period_of(at))


PERIOD = timedelta(seconds=PERIOD_SECONDS)
