"""The hog-function log poller: every log entry of every hog function of the watched projects, stored once.

It reads as the plugin-log poller does (apps/history/log_poller.py, whose cadence and order it shares): a cursor
per function, pages newest first from the top down to the cursor's `newest_timestamp` less
HISTORY_LOG_OVERLAP_SECONDS, each page stored in one transaction with the cursor's move, a backlog longer than
PAGES_PER_POLL pages read over several polls (`catchup_before`, `catchup_newest`). PostHog's hog function logs
(posthog/api/log_entries.py) answer the newest `limit` entries (at most 500) after the filters and page only that
short list, so older pages are asked for by time (`before`), never by offset; a page all of one instant cannot be
widened past 500 and the next page goes on before that instant (apps.posthog.log_paging.page_end).

Entries carry no id: `entry_key` is a hash of what an entry holds, with its rank among identical entries of that
instant in the page. A page read again always holds the whole of every instant it reaches but its oldest, which the
next page (`before` a microsecond after it) holds whole, so the ranks read twice are the same ranks: nothing is
stored twice, and identical entries are all kept.

A function never read is read back BACKFILL (apps/history/log_poller.py: PostHog keeps these 90 days, the portal's
first read takes the last week), and while a backlog is read each poll first reads what was logged above its top.

An older PostHog has no hog functions: the run says so in its notes and succeeds.
"""

import hashlib
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.connections.context import PostHogContext
from apps.connections.models import Connection
from apps.connections.selectors import WatchedTarget
from apps.history.budget import budget_per_minute

# The plugin-log poller's cadence and order, for a function's cursor as for a config's.
from apps.history.log_poller import UNWELL, _cursor_failed, _next_poll_at, _urgency, read_floor
from apps.history.log_store import cursor_update
from apps.history.models import HogFunctionLogCursor, HogFunctionLogEntry
from apps.history.polling import BudgetedReader, BudgetSpent, poll_client, target_context
from apps.history.results import PollResult
from apps.history.targets import PROJECT_REFUSALS, in_turn, plugin_targets, poll_targets, targets_rotated
from apps.hog_functions.selectors import HogFunction, LogEntry, hog_function_list, hog_function_log_page
from apps.posthog.errors import EndpointNotFound, PermissionDenied, PostHogError, Throttled

PAGE_SIZE = 500  # PostHog's most (LogEntryRequestSerializer max_value)
PAGES_PER_POLL = 20
# Four runs a minute at most take a quarter of the minute's budget each: the plugin-log poller shares it.
RUNS_SHARE = 4
NOT_AVAILABLE = "Hog functions are not available on this PostHog (an older version): there is nothing of them to keep."
REFUSED = "PostHog refuses this key its hog functions"


def hog_log_poll_connection(*, connection: Connection, now: datetime | None = None) -> PollResult:
    """Read and store the new log entries of the watched projects' hog functions that are due.

    A project PostHog refuses is said in the result and the others go on; PostHog failing or throttling while
    listing raises (the task retries). A function's failure is kept on its cursor and in the result.
    """
    now = now or timezone.now()
    result = PollResult()
    client = poll_client(connection=connection)
    reader = BudgetedReader(client=client, connection=connection, result=result)
    listed = hog_functions_listed(connection=connection, reader=reader, result=result, kind="hog_logs")
    queues = [
        sorted(
            (
                cursor
                for cursor in cursors_ensure(connection=connection, project_id=target.project_id, functions=functions)
                if cursor.next_poll_at is None or cursor.next_poll_at <= now
            ),
            key=_urgency,
        )
        for target, functions in listed
    ]
    targets = {target.project_id: target for target, _ in listed}
    functions_by_id = {function.id: function for _, functions in listed for function in functions}
    run_share = max(1, budget_per_minute() // RUNS_SHARE)
    for cursor in in_turn(queues):
        context = target_context(connection=connection, target=targets[cursor.project_id], reader=reader)
        try:
            read_all = _cursor_poll(
                context=context, cursor=cursor, function=functions_by_id[cursor.function_id], now=now, result=result
            )
        except Throttled as error:
            result.errors.append(error.user_message)
            break
        except PostHogError as error:
            _cursor_failed(cursor=cursor, error=error, now=now)
            result.errors.append(f"{cursor.function_name}: {error.user_message}")
            if isinstance(error, UNWELL):
                break
            continue
        if not read_all or result.requests_made >= run_share:
            break
    return result


def hog_functions_listed(
    *, connection: Connection, reader: BudgetedReader, result: PollResult, kind: str
) -> list[tuple[WatchedTarget, list[HogFunction]]]:
    """Each watched project's hog functions (a project's own environment, where PostHog serves them under
    `/api/projects/<id>/`), projects in turn. An older PostHog without them ends the list with a note; a project
    PostHog refuses is said and skipped; a budget spent ends the list with what was read."""
    targets = plugin_targets(poll_targets(client=reader.client, connection=connection, result=result))
    listed = []
    for target in targets_rotated(targets, connection=connection, kind=kind):
        context = target_context(connection=connection, target=target, reader=reader)
        try:
            listed.append((target, hog_function_list(context=context)))
        except EndpointNotFound:
            result.notes.append(NOT_AVAILABLE)
            break
        except PermissionDenied as error:
            result.notes.append(f"{target.label}: {REFUSED}: {error.user_message}")
        except PROJECT_REFUSALS as error:
            result.errors.append(f"{target.label}: {error.user_message}")
        except BudgetSpent:
            break
    return listed


def cursors_ensure(
    *, connection: Connection, project_id: str, functions: list[HogFunction]
) -> list[HogFunctionLogCursor]:
    """A cursor for every function listed, named as PostHog names it now."""
    by_id = {function.id: function for function in functions if function.id}
    cursors = HogFunctionLogCursor.objects.filter(connection=connection, project_id=project_id, function_id__in=by_id)
    known = {cursor.function_id: cursor for cursor in cursors}
    changed = []
    for function_id, cursor in known.items():
        function = by_id[function_id]
        if (cursor.function_name, cursor.function_type) != (function.label[:400], function.type[:40]):
            cursor.function_name, cursor.function_type = function.label[:400], function.type[:40]
            changed.append(cursor)
    HogFunctionLogCursor.objects.bulk_update(changed, ["function_name", "function_type"])
    missing = [
        HogFunctionLogCursor(
            connection=connection,
            project_id=project_id,
            function_id=function_id,
            function_name=function.label[:400],
            function_type=function.type[:40],
        )
        for function_id, function in by_id.items()
        if function_id not in known
    ]
    if not missing:
        return list(known.values())
    HogFunctionLogCursor.objects.bulk_create(missing, ignore_conflicts=True)
    return list(cursors.all())


def hog_log_batch_store(*, cursor: HogFunctionLogCursor, entries: list[LogEntry], **cursor_changes: Any) -> int:
    """Store one page of the cursor's function and apply `cursor_changes`, in one transaction; how many were new.
    Entries without a readable timestamp cannot be stored in order and are left out."""
    rows = entry_rows(cursor=cursor, entries=entries)
    with transaction.atomic():
        stored = set(
            HogFunctionLogEntry.objects.filter(
                connection_id=cursor.connection_id, function_id=cursor.function_id, entry_key__in=list(rows)
            ).values_list("entry_key", flat=True)
        )
        new = [row for key, row in rows.items() if key not in stored]
        # The cursor's lock keeps other polls of the function out; a stray one still cannot insert a row twice.
        HogFunctionLogEntry.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
        cursor_update(cursor, stored=len(new), **cursor_changes)
    return len(new)


def entry_rows(*, cursor: HogFunctionLogCursor, entries: list[LogEntry]) -> dict[str, HogFunctionLogEntry]:
    """The page's entries as rows by key: identical entries of an instant ranked in the order PostHog sent them."""
    ranks: dict[str, int] = {}
    rows = {}
    for entry in entries:
        if entry.at is None:
            continue
        content = f"{entry.at.isoformat()}|{entry.level}|{entry.instance_id}|{entry.message}"
        digest = hashlib.sha256(content.encode()).hexdigest()[:48]
        rank = ranks.get(digest, 0)
        ranks[digest] = rank + 1
        key = f"{digest}:{rank}"
        rows[key] = HogFunctionLogEntry(
            connection_id=cursor.connection_id,
            project_id=cursor.project_id,
            function_id=cursor.function_id,
            entry_key=key,
            timestamp=entry.at,
            level=entry.level[:8],
            message=entry.message.replace("\x00", "\ufffd"),  # PostgreSQL text cannot hold NUL
            instance_id=entry.instance_id[:64],
        )
    return rows


def _cursor_poll(
    *, context: PostHogContext, cursor: HogFunctionLogCursor, function: HogFunction, now: datetime, result: PollResult
) -> bool:
    """Read one function's new entries, at most PAGES_PER_POLL pages; False when the budget ran out."""
    after = read_floor(cursor=cursor, now=now)
    before = cursor.catchup_before
    stored_before = result.items_stored
    saw_error, closed, read_all = False, False, True
    if cursor.catchup_before and cursor.catchup_newest:
        try:
            saw_error = _tail_read(context=context, cursor=cursor, top=cursor.catchup_newest, result=result)
        except BudgetSpent:
            return False  # not read at all: the cursor stays as due as it was
    top = cursor.catchup_newest  # the newest entry of this read, or of the backlog it goes on with
    for pages in range(PAGES_PER_POLL):
        try:
            page = hog_function_log_page(
                context=context, function_id=cursor.function_id, after=after, before=before, limit=PAGE_SIZE
            )
        except BudgetSpent:
            if pages == 0:
                return False  # not read at all: the cursor stays as due as it was
            read_all = False
            break
        moments = [entry.at for entry in page.items if entry.at]
        saw_error = saw_error or any(entry.level == "ERROR" for entry in page.items)
        if moments:
            top = max(top or moments[0], *moments)
        if page.next is None:
            # Read down to what was stored before: the gap is closed.
            newest = max((m for m in (cursor.newest_timestamp, top) if m), default=None)
            result.items_stored += hog_log_batch_store(
                cursor=cursor, entries=page.items, newest_timestamp=newest, catchup_before=None, catchup_newest=None
            )
            closed = True
            break
        result.items_stored += hog_log_batch_store(
            cursor=cursor, entries=page.items, catchup_before=page.next, catchup_newest=top
        )
        before = page.next
    next_poll_at = _next_poll_at(
        cursor=cursor,
        now=now,
        closed=closed,
        new_entries=result.items_stored - stored_before,
        troubled=saw_error or function.degraded or function.stopped_by_posthog,
    )
    cursor_update(cursor, polled_at=now, next_poll_at=next_poll_at, consecutive_failures=0, last_error="")
    return read_all


def _tail_read(*, context: PostHogContext, cursor: HogFunctionLogCursor, top: datetime, result: PollResult) -> bool:
    """One page of what was logged above the backlog's top, as the plugin-log poller reads it (log_poller._tail_read):
    whether it held an ERROR. A page that holds all of it moves the top up; a fuller one is stored and the top stays."""
    overlap = timedelta(seconds=settings.HISTORY_LOG_OVERLAP_SECONDS)
    page = hog_function_log_page(
        context=context, function_id=cursor.function_id, after=top - overlap, before=None, limit=PAGE_SIZE
    )
    moments = [entry.at for entry in page.items if entry.at]
    changes = {"catchup_newest": max(top, *moments)} if page.next is None and moments else {}
    result.items_stored += hog_log_batch_store(cursor=cursor, entries=page.items, **changes)
    return any(entry.level == "ERROR" for entry in page.items)
