"""What every poller shares: its client, requests paid from the budget (one by one, or as a context the area apps'
selectors read through), and which plugin configs can be stored.

A page of a list is read with `apps.connections.selectors.list_page`, the one reading of PostHog's list pages."""

from collections.abc import Iterator
from functools import partial
from typing import Any, cast

from apps.connections.context import PostHogContext
from apps.connections.models import Connection
from apps.connections.selectors import WatchedTarget, list_page
from apps.connections.services import client_for
from apps.history.budget import budget_take, throttle_note
from apps.history.results import PollResult
from apps.posthog.client import PostHogClient
from apps.posthog.errors import PostHogError, Throttled

BUDGET_SPENT = "budget spent"
# PostHog's 429 often names no wait; its limits are per minute.
THROTTLE_DEFAULT_SECONDS = 60


def poll_client(*, connection: Connection) -> PostHogClient:
    """A background poll's client: one retry and a short wait, since the next poll comes soon anyway. The retry is
    a request too: it is paid from the budget before it is sent (bench/chaos.py found retries under PostHog's 503s
    taking the pollers past their share), and when the budget refuses it the read ends as "budget spent"."""
    client = client_for(connection=connection, actor=None, max_retries=1, max_total_wait=5)
    client.before_retry = partial(_retry_pay, connection.pk)
    return client


class RetryUnpaid(Exception):
    """The budget refused a retry the client was about to send."""


def _retry_pay(connection_id: int, method: str, path: str, error: PostHogError) -> None:
    """The client's `before_retry`: the retry is paid from the budget before it is sent, or not sent at all."""
    if not budget_take(connection_id=connection_id, requests=1):
        raise RetryUnpaid


def budgeted_get(
    *, client: PostHogClient, connection: Connection, path: str, params: dict | None, result: PollResult
) -> Any | None:
    """One GET paid from the pollers' budget; None, with "budget spent" in `result`, when the budget refuses it."""
    if not budget_take(connection_id=connection.pk, requests=1):
        result.errors.append(BUDGET_SPENT)
        return None
    result.requests_made += 1
    try:
        return client.get(path, params=params)
    except RetryUnpaid:
        result.errors.append(BUDGET_SPENT)
        return None
    except Throttled as error:
        # Every poller of this connection holds back until PostHog accepts requests again.
        throttle_note(connection_id=connection.pk, seconds=error.retry_after or THROTTLE_DEFAULT_SECONDS)
        raise


def config_listed(config: Any) -> bool:
    """A plugin config from PostHog's list that can be stored: an object with an id, not deleted."""
    if not isinstance(config, dict) or config.get("deleted"):
        return False
    config_id = config.get("id")
    return (isinstance(config_id, int) and not isinstance(config_id, bool)) or (
        isinstance(config_id, str) and config_id.isdigit()
    )


class BudgetSpent(Exception):
    """The budget refused a request of a `BudgetedReader` ("budget spent" is in the poll's result already)."""


class BudgetedReader:
    """The reads of a PostHogContext paid from the pollers' budget, so the area apps' selectors (which parse
    PostHog's JSON once for the pages and the pollers alike) serve the pollers too. Raises BudgetSpent where
    `budgeted_get` would answer None."""

    def __init__(self, *, client: PostHogClient, connection: Connection, result: PollResult) -> None:
        self.client, self.connection, self.result = client, connection, result

    def get(self, path: str, params: dict | None = None) -> Any:
        answer = budgeted_get(
            client=self.client, connection=self.connection, path=path, params=params, result=self.result
        )
        if answer is None:
            raise BudgetSpent
        return answer

    def paginate(self, path: str, *, params: dict | None = None, max_items: int | None = None) -> Iterator[dict]:
        """Items of a limit/offset list, page by page, as PostHogClient.paginate reads them."""
        count, following = 0, path
        while following:
            items, next_url = list_page(self.get(following, params), "items")
            params = None  # `next` carries the query
            for item in items:
                if max_items is not None and count >= max_items:
                    return
                count += 1
                yield item
            following = next_url or ""


def target_context(*, connection: Connection, target: WatchedTarget, reader: BudgetedReader) -> PostHogContext:
    """The context an area selector reads one watched project environment with, through the budget: its paths under
    the project for a project's own environment, else under `/api/environments/` (PostHogContext.team_path)."""
    context = PostHogContext(
        connection=connection,
        project_id=target.project_id,
        environment_id=target.environment_id,
        actor=None,
        environment_picked=not target.primary,
    )
    # The context's client is a cached property: set here, the selectors' reads go through the budget.
    context.client = cast(PostHogClient, reader)
    return context
