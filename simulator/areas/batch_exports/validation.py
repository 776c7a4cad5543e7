"""Query parameters and backfill bodies of batch exports, checked and worded as PostHog checks them.

- runs list: products/batch_exports/backend/api/batch_export.py BatchExportRunViewSet.safely_get_queryset, with
  posthog/utils.py relative_date_parse (`-7d`, `-24h`, or a date/datetime);
- logs: posthog/api/log_entries.py LogEntryRequestSerializer;
- backfills: `create_backfill` and `validate_date_input` of today's batch_export.py, or the `backfill` action and
  `validate_date_input` of 2024's posthog/batch_exports/http.py (the profile's `batch_exports` says which).
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from simulator.areas.batch_exports.state import ACTIVE, CANCELLED, COMPLETED, FAILED, FAILED_RETRYABLE, interval_of
from simulator.core.fields import DATETIME_FORMAT_ERROR, parse_datetime
from simulator.core.http import ApiError, Request, validation_error
from simulator.profiles import BATCH_EXPORTS_BACKFILLS, Profile

RUN_STATUSES = (CANCELLED, COMPLETED, "ContinuedAsNew", FAILED, FAILED_RETRYABLE, "FailedBilling", "Terminated")
RUN_STATUSES += ("TimedOut", *ACTIVE)
_RELATIVE = re.compile(r"^-(\d+)([hdwmy])$")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1), "m": timedelta(days=30)}
_UNITS["y"] = timedelta(days=365)
LOG_LIMIT_DEFAULT, LOG_LIMIT_MAX = 50, 500


def _invalid(detail: str) -> ApiError:
    """A bare `ValidationError("...")`: no field named (drf-exceptions-hog answers attr null)."""
    return ApiError(400, detail, type="validation_error", code="invalid")


def relative_date(value: str, now: datetime) -> datetime:
    """posthog/utils.py relative_date_parse, the forms the runs list meets: `-7d`, `-24h`, or an ISO date/time
    (a zone-less one read in UTC, the team's timezone here)."""
    found = _RELATIVE.match(value.strip())
    if found:
        return now - int(found.group(1)) * _UNITS[found.group(2)]
    parsed = parse_datetime(value)
    if parsed is None:
        # relative_date_parse falls back to "now" for text it cannot read.
        return now
    return parsed


def runs_window(request: Request, now: datetime) -> tuple[str, datetime, datetime]:
    """(field, from, to) the runs list filters on: created_at between `after` (default -7d) and `before` (default
    now), or, when ordering by data_interval_start, data intervals within `start` and `end`."""
    ordering = request.param("ordering") or ""
    if ordering.lstrip("-") == "data_interval_start":
        start, end = request.param("start"), request.param("end")
        return "data_interval", relative_date(start or "-7d", now), relative_date(end, now) if end else now
    after, before = request.param("after"), request.param("before")
    return "created_at", relative_date(after or "-7d", now), relative_date(before, now) if before else now


def run_statuses(request: Request) -> list[str]:
    """BatchExportRunListQuerySerializer.status: repeated `status=`, each one of BatchExportRun.Status."""
    statuses = [value for value in request.params("status") if value]
    for value in statuses:
        if value not in RUN_STATUSES:
            raise validation_error("status", f'"{value}" is not a valid choice.', "invalid_choice")
    return statuses


def log_query(request: Request) -> dict[str, Any]:
    """LogEntryRequestSerializer: limit 1–500 (default 50), after/before datetimes, level (comma-separated, or
    repeated as today's ListField takes it), search, instance_id."""
    query: dict[str, Any] = {"limit": LOG_LIMIT_DEFAULT}
    raw = request.param("limit")
    if raw not in (None, ""):
        try:
            query["limit"] = int(raw)
        except ValueError:
            raise validation_error("limit", "A valid integer is required.", "invalid") from None
        if query["limit"] > LOG_LIMIT_MAX:
            raise validation_error("limit", f"Ensure this value is less than or equal to {LOG_LIMIT_MAX}.", "max_value")
        if query["limit"] < 1:
            raise validation_error("limit", "Ensure this value is greater than or equal to 1.", "min_value")
    for name in ("after", "before"):
        value = request.param(name)
        if value not in (None, ""):
            query[name] = parse_datetime(value)
            if query[name] is None:
                raise validation_error(name, DATETIME_FORMAT_ERROR, "invalid")
    query["level"] = [part.upper() for value in request.params("level") for part in value.split(",") if part]
    query["search"] = request.param("search") or ""
    query["instance_id"] = request.param("instance_id") or ""
    return query


def backfill_range(data: dict, export: dict, profile: Profile) -> tuple[datetime | None, datetime | None]:
    """The backfill's start and end as PostHog reads the body, or its refusal (a 400 naming no field)."""
    start, end = data.get("start_at"), data.get("end_at")
    if profile.batch_exports != BATCH_EXPORTS_BACKFILLS:
        return _older_range(start, end, export)
    if start is None:
        # create_backfill: behind the "batch-export-earliest-backfill" feature flag, off for the demo team.
        raise _invalid("Backfilling from the beginning of time is not enabled for this team.")
    start_at = _date_input(start, export)
    end_at = _date_input(end, export) if end is not None else None
    if end_at is None:
        return start_at, None
    if start_at >= end_at:
        raise _invalid("The initial backfill datetime 'start_at' must be before 'end_at'")
    if end_at > datetime.now(UTC):
        raise _invalid(f"The provided 'end_at' ({end_at.isoformat()}) is in the future")
    return start_at, end_at


def _date_input(value: Any, export: dict) -> datetime:
    """Today's validate_date_input: a date for daily and weekly exports (on the export's week day), combined with
    its offset hour in its timezone (both UTC midnight here); an aware ISO datetime for the others."""
    if export["interval"] in ("day", "week"):
        try:
            parsed_date = date.fromisoformat(value)
        except (TypeError, ValueError):
            try:
                datetime.fromisoformat(value)
            except (TypeError, ValueError):
                raise _invalid(f"Input '{value}' is not a valid ISO formatted date.") from None
            raise _invalid(
                f"Input '{value}' is not a valid ISO formatted date. "
                "Daily or weekly batch export backfills expect only the date component, but a time was included."
            ) from None
        if export["interval"] == "week" and parsed_date.isoweekday() % 7 != 0:
            raise _invalid(
                f"Input {value} is not on the correct day of the week for this batch export. "
                f"{value} is a {parsed_date.strftime('%A')} but this batch export is configured to run "
                "weekly on Sunday."
            )
        return datetime.combine(parsed_date, time.min).replace(tzinfo=UTC)
    return _aware_datetime(value)


def _older_range(start: Any, end: Any, export: dict) -> tuple[datetime, datetime]:
    """2024's `backfill` action: both bounds required, aware datetimes, end at most one interval ahead."""
    if start is None or end is None:
        raise _invalid("Both 'start_at' and 'end_at' must be specified")
    start_at, end_at = _aware_datetime(start), _aware_datetime(end)
    if start_at >= end_at:
        raise _invalid("The initial backfill datetime 'start_at' happens after 'end_at'")
    if end_at > datetime.now(UTC) + interval_of(export):
        raise _invalid(
            f"The provided 'end_at' ({end_at.isoformat()}) is too far into the future. "
            "Cannot backfill beyond 1 batch period into the future."
        )
    return start_at, end_at


def _aware_datetime(value: Any) -> datetime:
    """Both versions' validate_date_input for datetimes: ISO, with a zone."""
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise _invalid(f"Input {value} is not a valid ISO formatted datetime.") from None
    if parsed.tzinfo is None:
        raise _invalid(f"Input {value} is naive.")
    return parsed
