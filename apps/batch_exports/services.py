"""Writes to batch exports: pause, unpause, backfill, and retry or cancel a run.

Every write goes through the connection's client, which audits it in the signed-in person's name (none of these
bodies holds a secret). Each answers whether PostHog says it did what was asked: a page says "paused" only then.
"""

from datetime import UTC, datetime
from typing import Any

from apps.batch_exports.paths import batch_exports_path
from apps.connections.context import PostHogContext
from apps.connections.models import Capability
from apps.posthog.errors import EndpointNotFound, ValidationError


def batch_export_pause(*, context: PostHogContext, export_id: str) -> bool:
    """PostHog starts no run of a paused export (pausing a paused one changes nothing). True: PostHog says so."""
    answer = context.client.post(batch_exports_path(context, export_id, "pause"))
    return _says(answer, "paused", True)


def batch_export_unpause(*, context: PostHogContext, export_id: str) -> bool:
    """The schedule resumes from now: the intervals skipped while paused are exported only by a backfill."""
    answer = context.client.post(batch_exports_path(context, export_id, "unpause"))
    return _says(answer, "paused", False)


def batch_export_run_retry(*, context: PostHogContext, export_id: str, run_id: str) -> str:
    """A backfill of the run's own interval (PostHog's retry): the id of that backfill."""
    answer = context.client.post(batch_exports_path(context, export_id, "runs", run_id, "retry"))
    return _backfill_id(answer)


def batch_export_run_cancel(*, context: PostHogContext, export_id: str, run_id: str) -> bool:
    """Only a Starting or Running run can be cancelled (PostHog refuses the others). True: PostHog says so."""
    answer = context.client.post(batch_exports_path(context, export_id, "runs", run_id, "cancel"))
    return _says(answer, "cancelled", True)


def batch_export_backfill_start(
    *, context: PostHogContext, export_id: str, start: datetime, end: datetime, dates_only: bool
) -> str:
    """Start a backfill of [start, end): the id PostHog gives it.

    Today's PostHog takes it at `backfills/`, a daily or weekly export's range as dates; 2024's has no such endpoint
    (a 404, which the connection remembers, so the next backfill goes straight on) and takes it at the export's
    `backfill` action, as times. PostHog's refusals name no field though each is about one bound: they are given
    the bound they name, so the form shows them there (`backfill_field`).
    """
    newer = context.unavailable.batch_export_backfills
    if newer is None or newer.state != Capability.RETIRED:
        body = {"start_at": _bound(start, dates_only), "end_at": _bound(end, dates_only)}
        try:
            return _backfill_id(_post_naming_bounds(context, batch_exports_path(context, export_id, "backfills"), body))
        except EndpointNotFound:
            pass  # an older PostHog: its own action, below
    body = {"start_at": _bound(start, False), "end_at": _bound(end, False)}
    return _backfill_id(_post_naming_bounds(context, batch_exports_path(context, export_id, "backfill"), body))


def backfill_field(detail: str, body: dict[str, str]) -> str | None:
    """The bound a backfill refusal is about, from PostHog's words (create_backfill and validate_date_input):
    "…'start_at' must be before 'end_at'", "The provided 'end_at' (…) is in the future", "Input <value> is not…"."""
    if "'end_at'" in detail and "'start_at'" not in detail:
        return "end_at"
    if "must be before 'end_at'" in detail or "happens after 'end_at'" in detail:
        return "end_at"
    if "beginning of time" in detail:
        return "start_at"
    for name in ("start_at", "end_at"):
        value = body.get(name)
        if value and (f"Input {value} " in detail or f"Input '{value}'" in detail):
            return name
    return None


def _post_naming_bounds(context: PostHogContext, path: str, body: dict[str, str]) -> Any:
    try:
        return context.client.post(path, json=body)
    except ValidationError as error:
        error.attr = error.attr or backfill_field(error.detail, body)
        raise


def _bound(moment: datetime, dates_only: bool) -> str:
    moment = moment.astimezone(UTC)
    return moment.date().isoformat() if dates_only else moment.isoformat().replace("+00:00", "Z")


def _backfill_id(answer: Any) -> str:
    return str(answer.get("backfill_id") or "") if isinstance(answer, dict) else ""


def _says(answer: Any, field: str, value: bool) -> bool:
    return isinstance(answer, dict) and answer.get(field) is value
