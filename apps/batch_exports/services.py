"""Writes to batch exports: pause, unpause, backfill, and retry or cancel a run.

Every write goes through the connection's client, which audits it in the signed-in person's name (none of these
bodies holds a secret). Each answers whether PostHog says it did what was asked: a page says "paused" only then.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from apps.batch_exports.paths import batch_exports_path
from apps.connections.context import PostHogContext
from apps.connections.models import Capability
from apps.posthog.created import created_finder
from apps.posthog.errors import EndpointNotFound, OutcomeUnknown, ValidationError
from apps.posthog.settle import same_value
from apps.posthog.values import moment


def batch_export_pause(*, context: PostHogContext, export_id: str) -> bool:
    """PostHog starts no run of a paused export (pausing a paused one changes nothing). True: PostHog says so."""
    answer = context.client.post(batch_exports_path(context, export_id, "pause"))
    return _says(answer, "paused", True)


def batch_export_unpause(*, context: PostHogContext, export_id: str) -> bool:
    """The schedule resumes from now: the intervals skipped while paused are exported only by a backfill."""
    answer = context.client.post(batch_exports_path(context, export_id, "unpause"))
    return _says(answer, "paused", False)


def batch_export_run_retry(*, context: PostHogContext, export_id: str, run_id: str) -> str:
    """A backfill of the run's own interval (PostHog's retry): the id of that backfill.

    products/batch_exports/backend/api/batch_export.py BatchExportRunViewSet.retry calls backfill_export with the
    run's data interval, so a retry whose answer was lost is looked for among the export's backfills (where PostHog
    lists them) as one of exactly that interval, made since the retry was sent."""
    path = batch_exports_path(context, export_id, "runs", run_id, "retry")
    if not _lists_backfills(context):
        return _backfill_id(context.client.post(path))

    def run_interval() -> dict[str, Any]:
        run = context.client.get(batch_exports_path(context, export_id, "runs", run_id))
        run = run if isinstance(run, dict) else {}
        return {"start_at": run.get("data_interval_start"), "end_at": run.get("data_interval_end")}

    backfills = batch_exports_path(context, export_id, "backfills")
    find = _backfill_finder(context, path=backfills, bounds=run_interval, dates_only=False)
    return _backfill_id(context.client.post(path, find_created=find))


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
    if _lists_backfills(context):
        body = {"start_at": _bound(start, dates_only), "end_at": _bound(end, dates_only)}
        path = batch_exports_path(context, export_id, "backfills")
        find = _backfill_finder(context, path=path, bounds=lambda: body, dates_only=dates_only)
        try:
            return _backfill_id(_post_naming_bounds(context, path, body, find=find))
        except EndpointNotFound:
            pass  # an older PostHog: its own action, below
    # 2024's PostHog lists no backfills (posthog/batch_exports/http.py has no backfills viewset): a backfill whose
    # answer was lost there cannot be looked for, so the client reports it unknown, to be checked in PostHog.
    body = {"start_at": _bound(start, False), "end_at": _bound(end, False)}
    return _backfill_id(_post_naming_bounds(context, batch_exports_path(context, export_id, "backfill"), body))


def _lists_backfills(context: PostHogContext) -> bool:
    """Whether this PostHog may have `backfills/` (today's; 2024's answered it 404, which the connection keeps)."""
    newer = context.unavailable.batch_export_backfills
    return newer is None or newer.state != Capability.RETIRED


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


def _post_naming_bounds(
    context: PostHogContext, path: str, body: dict[str, str], *, find: Callable[[], Any] | None = None
) -> Any:
    try:
        return context.client.post(path, json=body, find_created=find)
    except ValidationError as error:
        error.attr = error.attr or backfill_field(error.detail, body)
        raise


def _backfill_finder(
    context: PostHogContext, *, path: str, bounds: Callable[[], dict[str, Any]], dates_only: bool
) -> Callable[[], Any]:
    """The backfill a lost answer may have started: the newest listed since the write began, if it covers the range
    `bounds` gives (asked only when the answer is lost); otherwise the outcome stays unknown, never "not started".

    products/batch_exports/backend/api/batch_export.py: `backfills/` lists BatchExportBackfillSerializer (every
    field: `id`, `start_at`, `end_at`, `status`, `created_at`, …), newest first. But create_backfill only starts
    the backfill's Temporal workflow, and the workflow saves that row a little later (service.py backfill_export),
    so a backfill missing from the list may still be starting: not finding it proves nothing. And PostHog may
    move the start to the earliest data it holds, so a range that differs is not told apart from someone else's."""
    newest = created_finder(client=context.client, path=path, sent={}, fields=(), params={"ordering": "-created_at"})

    def find() -> Any:
        sent = bounds()
        held = newest()
        if not isinstance(held, dict) or not all(
            isinstance(sent.get(name), str) and _covers(held.get(name), sent[name], dates_only)
            for name in ("start_at", "end_at")
        ):
            # Caught by the client's read-back, which then reports the backfill as unknown.
            raise OutcomeUnknown(reason="the backfill is not listed yet")
        return held

    return find


def _covers(held: Any, sent: str, dates_only: bool) -> bool:
    """A listed bound against the one sent: the same instant, or for a date that day at the export's offset hour in
    its timezone (validate_date_input), which PostHog answers in UTC: up to 14 hours before the date's UTC midnight
    and 36 after."""
    if not dates_only:
        return same_value(sent, held)
    held_at = moment(held) if isinstance(held, str) else None
    if held_at is None:
        return False
    midnight = datetime.combine(date.fromisoformat(sent), time.min, tzinfo=UTC)
    return timedelta(hours=-14) <= held_at - midnight <= timedelta(hours=36)


def _bound(at: datetime, dates_only: bool) -> str:
    at = at.astimezone(UTC)
    return at.date().isoformat() if dates_only else at.isoformat().replace("+00:00", "Z")


def _backfill_id(answer: Any) -> str:
    """`backfill_id` of PostHog's answer; a backfill found by reading back (its answer lost) is the listed one, `id`."""
    return str(answer.get("backfill_id") or answer.get("id") or "") if isinstance(answer, dict) else ""


def _says(answer: Any, field: str, value: bool) -> bool:
    return isinstance(answer, dict) and answer.get(field) is value
