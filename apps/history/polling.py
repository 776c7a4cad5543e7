"""What every poller shares: its client, requests paid from the budget, and reading a page of a list."""

from typing import Any

from apps.connections.models import Connection
from apps.connections.services import client_for
from apps.history.budget import budget_take, throttle_note
from apps.history.results import PollResult
from apps.posthog.client import PostHogClient
from apps.posthog.errors import BadResponse, Throttled

BUDGET_SPENT = "budget spent"
# PostHog's 429 often names no wait; its limits are per minute.
THROTTLE_DEFAULT_SECONDS = 60


def poll_client(*, connection: Connection) -> PostHogClient:
    """A background poll's client: one retry and a short wait, since the next poll comes soon anyway."""
    return client_for(connection=connection, actor=None, max_retries=1, max_total_wait=5)


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
    except Throttled as error:
        # Every poller of this connection holds back until PostHog accepts requests again.
        throttle_note(connection_id=connection.pk, seconds=error.retry_after or THROTTLE_DEFAULT_SECONDS)
        raise


def page_items(page: Any, what: str) -> tuple[list, str | None]:
    """The items of a list page (or a bare list) and the URL of the next page, if any."""
    if isinstance(page, list):
        return page, None
    if isinstance(page, dict) and isinstance(page.get("results"), list):
        next_url = page.get("next")
        return page["results"], next_url if isinstance(next_url, str) and next_url else None
    raise BadResponse(f"Expected a list of {what} from PostHog.")


def config_listed(config: Any) -> bool:
    """A plugin config from PostHog's list that can be stored: an object with an id, not deleted."""
    if not isinstance(config, dict) or config.get("deleted"):
        return False
    config_id = config.get("id")
    return (isinstance(config_id, int) and not isinstance(config_id, bool)) or (
        isinstance(config_id, str) and config_id.isdigit()
    )
