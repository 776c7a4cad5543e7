"""The plugin-log poller: every log entry PostHog has for the watched projects' plugin configs, stored once.

A LogCursor per config says how far its logs are stored. A poll reads a config's logs newest first, page by
page, from the top down to the cursor's `newest_timestamp` less HISTORY_LOG_OVERLAP_SECONDS (entries reach
PostHog late). Each page is stored in one transaction with the cursor's move (apps/history/log_store.py), so the
cursor only ever claims what is stored and a killed worker loses only the page it was reading. A backlog longer
than PAGES_PER_POLL pages (the first poll of a busy config, a long pause) is read over several polls:
`catchup_before` is where the next poll goes on down to `newest_timestamp`, `catchup_newest` the top the backlog
was read from, which becomes `newest_timestamp` once the gap is closed.

A config never read (a new install, a newly watched project, a config made since) is read back BACKFILL, all that
PostHog still keeps, rather than from now: spread over polls like any backlog, within the same budget, stored once.
While a backlog is read, each poll first reads what was logged above its top, so the live tail never waits
behind the past (`_tail_read`).

The request budget is shared by every poller of a connection and small, so configs are read when they are due:
one that logged an ERROR within the overlap, delivers below 99 % or has an error is read again at the next run
(ACTIVE_INTERVAL); one that logged something is read again after the time it took to log one entry (busy ones
at every run); a quiet one waits twice as long each time, up to QUIET_MAX; one whose request failed backs off
exponentially, up to FAILURE_MAX. Every watched project is covered within the same budget, in turn
(apps/history/targets.py): first the pressing configs (never read, busy, troubled, a backlog) of every project,
one of each project at a time and each project's most urgent first, then the quiet ones the same way.
"""

from datetime import UTC, datetime, timedelta
from itertools import chain

from django.conf import settings
from django.utils import timezone

from apps.connections.models import Connection
from apps.connections.selectors import list_page
from apps.history.budget import budget_per_minute
from apps.history.log_store import STORED_COLUMNS, AnyLogCursor, cursor_update, cursors_ensure, log_batch_store
from apps.history.models import LogCursor
from apps.history.polling import budgeted_get, config_listed, poll_client
from apps.history.results import PollResult
from apps.history.targets import PROJECT_REFUSALS, in_turn, plugin_targets, poll_targets, targets_rotated
from apps.posthog.client import PostHogClient
from apps.posthog.errors import PostHogError, ServerError, Throttled, Unreachable, UpstreamTimeout
from apps.posthog.log_paging import older_page_start, one_instant
from apps.posthog.paths import plugin_configs_path
from apps.posthog.values import moment

__all__ = ["STORED_COLUMNS", "log_batch_store", "log_poll_connection"]  # the benchmarks and tests use them here

PAGE_SIZE = 500
PAGES_PER_POLL = 20  # per config and poll: 10,000 entries
# A page all of one instant is asked for again, wider, up to this (PostHog puts no limit on `limit`).
WIDEST_PAGE = 50_000
# A little under the 30-second schedule, so an active config is read on every run.
ACTIVE_INTERVAL = timedelta(seconds=25)
QUIET_MAX = timedelta(minutes=10)
RUNS_PER_MINUTE = 2  # the default schedule: every 30 seconds
FAILURE_MAX = timedelta(minutes=30)
HEALTHY_DELIVERY_RATE = 0.99  # PostHog's own green badge starts here
# PostHog keeps plugin log entries a week from their day (posthog/clickhouse/plugin_log_entries.py:
# PLUGIN_LOG_ENTRIES_TTL_WEEKS = 1, a TTL on toDate(timestamp)), so an entry lives 7 to 8 days: reading a config
# never read back 8 days takes all PostHog still has. Hog function logs live 90 days (posthog/clickhouse/
# log_entries.py LOG_ENTRIES_TTL_DAYS): the same bound keeps a new install's first reads on the last week, not on
# a quarter of history that would hold the budget for hours.
BACKFILL = timedelta(days=8)
# PostHog unwell: other configs would fail the same way, so the poll stops instead of spending the budget.
UNWELL = (ServerError, UpstreamTimeout, Unreachable)


def log_poll_connection(*, connection: Connection, now: datetime | None = None) -> PollResult:
    """Read and store the new log entries of the watched projects' configs that are due.

    A project whose config list PostHog refuses (gone, or not the key's) is said in the result and the others go
    on; PostHog failing or throttling while listing raises (nothing else could be read either). A config's failure
    is kept on its cursor and in the result. A 429 is noted for every poller of the connection and ends this poll.
    """
    now = now or timezone.now()
    result = PollResult()
    client = poll_client(connection=connection)
    targets = plugin_targets(poll_targets(client=client, connection=connection, result=result))
    listed: dict[str, dict[int, dict]] = {}
    for target in targets_rotated(targets, connection=connection, kind="logs"):
        try:
            configs = _configs_list(client=client, connection=connection, project_id=target.project_id, result=result)
        except PROJECT_REFUSALS as error:
            result.errors.append(f"{target.label}: {error.user_message}")
            continue
        if configs is None:
            break  # the budget is spent: what was listed is still read, as far as the budget goes
        listed[target.project_id] = configs
    pressing: list[list[LogCursor]] = []
    waiting: list[list[LogCursor]] = []
    for project_id, configs in listed.items():
        due = sorted(
            (
                cursor
                for cursor in cursors_ensure(connection=connection, project_id=project_id, configs=configs)
                if cursor.next_poll_at is None or cursor.next_poll_at <= now
            ),
            key=_urgency,
        )
        pressing.append([cursor for cursor in due if _pressing(cursor)])
        waiting.append([cursor for cursor in due if not _pressing(cursor)])
    # The poller runs twice a minute by default: one run taking the whole minute's budget would leave the busy
    # configs unread by the next.
    run_share = max(1, budget_per_minute() // RUNS_PER_MINUTE)
    for cursor in chain(in_turn(pressing), in_turn(waiting)):
        try:
            budget_left = _cursor_poll(
                client=client,
                connection=connection,
                cursor=cursor,
                config=listed[cursor.project_id][cursor.plugin_config_id],
                now=now,
                result=result,
            )
        except Throttled as error:
            result.errors.append(error.user_message)
            break
        except PostHogError as error:
            _cursor_failed(cursor=cursor, error=error, now=now)
            result.errors.append(f"{cursor.config_name}: {error.user_message}")
            if isinstance(error, UNWELL):
                break
            continue
        if not budget_left or result.requests_made >= run_share:
            break
    return result


# Reading -------------------------------------------------------------------------------------------------


def _configs_list(
    *, client: PostHogClient, connection: Connection, project_id: str, result: PollResult
) -> dict[int, dict] | None:
    """The project's plugin configs by id; None when the budget ran out before all were read."""
    configs: dict[int, dict] = {}
    path: str | None = plugin_configs_path(project_id)
    params: dict | None = {"limit": PAGE_SIZE}
    while path:
        page = budgeted_get(client=client, connection=connection, path=path, params=params, result=result)
        if page is None:
            return None
        items, path = list_page(page, "plugin configs")
        params = None  # `next` carries the query
        for config in items:
            if config_listed(config):
                configs[int(config["id"])] = config
    return configs


def _cursor_poll(
    *,
    client: PostHogClient,
    connection: Connection,
    cursor: LogCursor,
    config: dict,
    now: datetime,
    result: PollResult,
) -> bool:
    """Read one config's new entries, at most PAGES_PER_POLL pages; False when the budget ran out.

    Pages go back in time, each asked for with `before` = where the previous one ended, until a page is not full:
    never by offset or `next`, which older PostHog does not honour (it fetches only `limit` rows and pages that
    short list, so `next` is always null there and the rest of a burst would be lost)."""
    params: dict = {"limit": PAGE_SIZE, "after": read_floor(cursor=cursor, now=now).isoformat()}
    if cursor.catchup_before:
        params["before"] = cursor.catchup_before.isoformat()
    path = plugin_configs_path(cursor.project_id, cursor.plugin_config_id, "logs")
    stored_before = result.items_stored
    saw_error, closed, budget_left = False, False, True
    if cursor.catchup_before and cursor.catchup_newest:
        tail = _tail_read(
            client=client, connection=connection, cursor=cursor, top=cursor.catchup_newest, path=path, result=result
        )
        if tail is None:
            return False  # not read at all: the cursor stays as due as it was
        saw_error = tail  # an extra request: the backlog still gets its PAGES_PER_POLL pages
    top = cursor.catchup_newest  # the newest entry of this read, or of the backlog it goes on with
    for pages in range(PAGES_PER_POLL):
        page = budgeted_get(client=client, connection=connection, path=path, params=params, result=result)
        if page is None:
            if pages == 0:
                return False  # not read at all: the cursor stays as due as it was
            budget_left = False
            break
        entries, next_url = list_page(page, "plugin log entries")
        entries = [e for e in entries if isinstance(e, dict)]
        moments = [m for m in (moment(e.get("timestamp")) for e in entries) if m]
        saw_error = saw_error or any(e.get("type") == "ERROR" for e in entries)
        if moments:
            top = max(top or moments[0], *moments)
        before = older_page_start(entries)
        full = len(entries) >= params["limit"] or bool(next_url)
        if full and before is not None and one_instant(entries) and params["limit"] < WIDEST_PAGE:
            # Every entry of one instant: more of it may lie past this page, which no `before` can reach. Read it
            # again, wider (storing what it holds already, so a cut-short poll keeps it).
            result.items_stored += log_batch_store(cursor=cursor, entries=entries)
            params = {**params, "limit": min(WIDEST_PAGE, params["limit"] * 4)}
            continue
        if not full or before is None:
            # Read down to what was stored before (or nothing older can be asked for): the gap is closed.
            newest = max((m for m in (cursor.newest_timestamp, top) if m), default=None)
            result.items_stored += log_batch_store(
                cursor=cursor, entries=entries, newest_timestamp=newest, catchup_before=None, catchup_newest=None
            )
            closed = True
            break
        result.items_stored += log_batch_store(
            cursor=cursor, entries=entries, catchup_before=before, catchup_newest=top
        )
        params = {**params, "before": before.isoformat(), "limit": PAGE_SIZE}
    next_poll_at = _next_poll_at(
        cursor=cursor,
        now=now,
        closed=closed,
        new_entries=result.items_stored - stored_before,
        troubled=saw_error or _troubled(config),
    )
    cursor_update(
        cursor,
        polled_at=now,
        next_poll_at=next_poll_at,
        consecutive_failures=0,
        last_error="",
    )
    return budget_left


def read_floor(*, cursor: AnyLogCursor, now: datetime) -> datetime:
    """The oldest moment a read of the cursor asks for (`after`): what was stored, less the overlap; for a cursor
    never read down to the end, BACKFILL before the top its backlog began at (or now), so a backfill read over
    several polls keeps one floor and never skips the oldest entries."""
    if cursor.newest_timestamp:
        return cursor.newest_timestamp - timedelta(seconds=settings.HISTORY_LOG_OVERLAP_SECONDS)
    return (cursor.catchup_newest or now) - BACKFILL


def _tail_read(
    *, client: PostHogClient, connection: Connection, cursor: LogCursor, top: datetime, path: str, result: PollResult
) -> bool | None:
    """One page of what was logged above the backlog's top (overlap included); whether it held an ERROR, None when
    the budget ran out. A page that holds all of it moves the top up to its newest entry (the claim from the
    backlog's end up to its top stays true); a fuller one is stored and the top stays, so the regular read after the
    backlog takes the rest."""
    overlap = timedelta(seconds=settings.HISTORY_LOG_OVERLAP_SECONDS)
    params = {"limit": PAGE_SIZE, "after": (top - overlap).isoformat()}
    page = budgeted_get(client=client, connection=connection, path=path, params=params, result=result)
    if page is None:
        return None
    entries, next_url = list_page(page, "plugin log entries")
    entries = [e for e in entries if isinstance(e, dict)]
    moments = [m for m in (moment(e.get("timestamp")) for e in entries) if m]
    whole = len(entries) < PAGE_SIZE and not next_url
    changes = {"catchup_newest": max(top, *moments)} if whole and moments else {}
    result.items_stored += log_batch_store(cursor=cursor, entries=entries, **changes)
    return any(e.get("type") == "ERROR" for e in entries)


def _urgency(cursor: AnyLogCursor) -> tuple:
    """The order due configs are read in, so a budget that runs out mid-poll leaves the least urgent: never read
    yet, then the shortest wait (the busiest and the troubled), then the longest overdue."""
    if cursor.next_poll_at is None or cursor.polled_at is None:
        return (0, timedelta(0), cursor.next_poll_at or datetime.min.replace(tzinfo=UTC))
    return (1, cursor.next_poll_at - cursor.polled_at, cursor.next_poll_at)


def _pressing(cursor: LogCursor) -> bool:
    """Never read, or read at every run (busy, troubled, a backlog): every project's pressing configs are read, in
    turn, before any project's quiet ones, so neither a big project nor a small one waits on the other's quiet
    configs."""
    never, wait, _ = _urgency(cursor)
    return never == 0 or wait <= ACTIVE_INTERVAL


def _troubled(config: dict) -> bool:
    rate = config.get("delivery_rate_24h")
    low = isinstance(rate, int | float) and not isinstance(rate, bool) and rate < HEALTHY_DELIVERY_RATE
    return low or bool(config.get("error"))


def _next_poll_at(*, cursor: AnyLogCursor, now: datetime, closed: bool, new_entries: int, troubled: bool) -> datetime:
    if not closed:
        return now  # a backlog goes on at the next run
    if troubled:
        return now + ACTIVE_INTERVAL
    if new_entries:
        # As often as entries arrive: a config logging every second is read at every run, while one that logged
        # once in ten minutes is not read every 25 seconds for the next few minutes, which would spend the
        # budget of the busy ones.
        elapsed = now - cursor.polled_at if cursor.polled_at else ACTIVE_INTERVAL
        interval = elapsed / new_entries
    else:
        previous = (cursor.next_poll_at - cursor.polled_at) if cursor.next_poll_at and cursor.polled_at else None
        interval = (previous or ACTIVE_INTERVAL) * 2
    return now + min(QUIET_MAX, max(ACTIVE_INTERVAL, interval))


def _cursor_failed(*, cursor: AnyLogCursor, error: PostHogError, now: datetime) -> None:
    failures = cursor.consecutive_failures + 1
    cursor_update(
        cursor,
        polled_at=now,
        next_poll_at=now + min(FAILURE_MAX, ACTIVE_INTERVAL * 2 ** min(failures - 1, 16)),
        consecutive_failures=failures,
        last_error=error.user_message,
    )
