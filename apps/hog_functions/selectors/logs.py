"""A hog function's log entries, and what a test run answered (its own logs among it).

posthog/api/log_entries.py: the newest `limit` entries (at most 500) after the filters; its paginator pages only
that short list, so older entries are read by asking again with `before` (apps.posthog.log_paging), never by offset.
Entries carry no id: one is made of their time, instance and text, to drop repeats where pages overlap.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from apps.connections.context import PostHogContext
from apps.core.paging import CursorPage
from apps.hog_functions.paths import hog_functions_path
from apps.hog_functions.selectors.functions import json_object
from apps.posthog.log_paging import page_end
from apps.posthog.values import moment

LOG_PAGE_SIZE = 100
LEVELS = ("DEBUG", "LOG", "INFO", "WARN", "ERROR")


@dataclass(frozen=True)
class LogEntry:
    timestamp: str
    at: datetime | None
    level: str
    message: str
    instance_id: str

    @property
    def key(self) -> str:
        """Stands in for the id PostHog's log entries lack."""
        return hashlib.sha1(f"{self.timestamp}|{self.instance_id}|{self.message}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class TestRun:
    """PostHog's answer to a test invocation: `status` success, error or skipped (the filters let the event by)."""

    status: str
    result: Any
    errors: list[str]
    logs: list[LogEntry]


def hog_function_log_page(
    *,
    context: PostHogContext,
    function_id: str,
    levels: list[str] | None = None,
    search: str = "",
    after: datetime | None = None,
    before: datetime | None = None,
    instance_id: str = "",
    limit: int = LOG_PAGE_SIZE,
) -> CursorPage[LogEntry, datetime]:
    """Entries newest first; `next` is the `before` of the next older page (None: no older ones)."""
    asked: dict[str, Any] = {
        "limit": limit,
        "level": levels,  # repeated: PostHog reads a list (`upper(level) IN (…)`)
        "search": search,
        "instance_id": instance_id,
        "after": after.isoformat() if after else None,
        "before": before.isoformat() if before else None,
    }
    params = {name: value for name, value in asked.items() if value}
    answer = context.client.get(hog_functions_path(context.project_id, function_id, "logs"), params=params)
    results = json_object(answer).get("results")
    raw = [item for item in results if isinstance(item, dict)] if isinstance(results, list) else []
    return CursorPage(items=[entry_from(item) for item in raw], next=page_end(raw, limit=limit))


def entry_from(item: dict[str, Any]) -> LogEntry:
    timestamp = str(item.get("timestamp") or "")
    return LogEntry(
        timestamp=timestamp,
        at=moment(timestamp),
        level=str(item.get("level") or "").upper(),
        message=str(item.get("message") or ""),
        instance_id=str(item.get("instance_id") or ""),
    )


def test_run_from(answer: Any) -> TestRun:
    """nodejs/src/cdp/cdp-api.ts postFunctionInvocation's answer: {result, status, errors, logs}."""
    data = json_object(answer)
    errors = data["errors"] if isinstance(data.get("errors"), list) else []
    return TestRun(
        status=str(data.get("status") or "unknown"),
        result=data.get("result"),
        errors=[str(error) for error in errors],
        logs=[entry_from(item) for item in _list(data.get("logs")) if isinstance(item, dict)],
    )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
