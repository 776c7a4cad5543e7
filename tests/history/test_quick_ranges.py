"""Quick ranges fill From and To in the form the inputs take, so the browser shows them (a `datetime-local` input
shows nothing of "…+00:00"), and the server reads back what it filled in."""

import re
from datetime import UTC, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from apps.core.forms import UtcDateTimeField
from tests.history.test_pages import FIVE_MINUTES, every, log_cursor, log_entries, snapshots, text


def input_value(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert tag, name
    value = re.search(r'value="([^"]*)"', tag[0])
    return value[1] if value else ""


def test_a_log_quick_range_fills_from_as_a_datetime_local_value(client_as, viewer, connection):
    log_cursor(connection, 11, "S3 Export")
    log_entries(connection, 11, ["Exported"], start=timezone.now())

    page = text(client_as(viewer).get(reverse("history:logs"), {"range": "24h"}))

    shown = input_value(page, "after")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?", shown), shown
    assert abs(datetime.fromisoformat(shown).replace(tzinfo=UTC) - (timezone.now() - timedelta(days=1))) < timedelta(
        minutes=1
    )


def test_the_field_shows_any_iso_text_as_local_utc_and_reads_it_back():
    field = UtcDateTimeField()
    assert field.prepare_value("2026-01-01T12:00:00+00:00") == "2026-01-01T12:00"
    assert field.prepare_value("2026-01-01T13:30:05+01:00") == "2026-01-01T12:30:05"
    assert field.prepare_value("2026-01-01T12:00:07Z") == "2026-01-01T12:00:07"
    assert field.prepare_value("not a time") == "not a time"  # shown as typed, beside its error
    assert field.clean("2026-01-01T12:00") == datetime(2026, 1, 1, 12, tzinfo=UTC)


def test_a_chart_quick_range_fills_from_and_to_with_its_days(client_as, viewer, connection):
    now = timezone.now()
    snapshots(connection, 7, every(FIVE_MINUTES, now - timedelta(hours=2), now))

    page = text(client_as(viewer).get(reverse("history:delivery_config", args=[7]), {"range": "7d"}))

    assert input_value(page, "start") == (now - timedelta(days=7)).astimezone(UTC).strftime("%Y-%m-%d")
    assert input_value(page, "end") == now.astimezone(UTC).strftime("%Y-%m-%d")
    custom = text(client_as(viewer).get(reverse("history:delivery_config", args=[7]), {"start": "2026-01-02"}))
    assert input_value(custom, "start") == "2026-01-02"  # a custom range shows what was asked
