"""Finding the object a POST created when PostHog's answer to it was lost (see `PostHogClient.request`'s
`find_created`): the client then settles the create as applied or not instead of leaving it unknown, and never sends
it again. Deliberately free of Django."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from .settle import same_value

if TYPE_CHECKING:
    from .client import PostHogClient

# How much older than the write's start a match may say it was made: PostHog's clock and ours differ a little.
# Kept short, so an identical object someone made minutes earlier is not taken for this one.
CLOCK_MARGIN = timedelta(seconds=60)


def created_finder(
    *,
    client: PostHogClient,
    path: str,
    sent: dict[str, Any],
    fields: Iterable[str],
    params: dict[str, Any] | None = None,
    margin: timedelta = CLOCK_MARGIN,
    listed_in: str = "results",
) -> Callable[[], Any]:
    """A `find_created` for a create at `path`: reads the first page of the collection (`params` narrow it or order
    it newest first, as each endpoint allows) and answers the newest item holding every sent value of `fields` and
    made no earlier than now (the write's start) less `margin`, or None. An item without `created_at` (plugins,
    roles in some versions) matches on its fields alone, so only fields PostHog keeps unique may be used then.
    `listed_in` names the answer's list where it is not a page's `results` (a sharing configuration's
    `share_passwords`)."""
    started = datetime.now(UTC) - margin
    compared = [name for name in fields if name in sent]

    def find() -> Any:
        page = client.get(path, params=params)
        items = page.get(listed_in) if isinstance(page, dict) else page
        matches = [
            item
            for item in items or []
            if isinstance(item, dict)
            and all(same_value(sent[name], item.get(name)) for name in compared)
            and _made_since(item, started)
        ]
        return max(matches, key=_made_at, default=None)

    return find


def _made_since(item: dict[str, Any], started: datetime) -> bool:
    made = _made_at(item)
    return made == _NEVER or made >= started


_NEVER = datetime.min.replace(tzinfo=UTC)


def _made_at(item: dict[str, Any]) -> datetime:
    value = item.get("created_at")
    if not isinstance(value, str):
        return _NEVER
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return _NEVER
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
