"""Each plugin config's newest ERROR entry among the logs the poller stored: the config list's "last error".

PostHog no longer reports a config's latest error (`error` is always null: "use app metrics or plugin log entries"),
and asking it for every config's newest ERROR entry would cost a request per row. The stored logs answer it from
the database, in one query.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Subquery

from apps.history.models import LogCursor, PluginLogEntry


@dataclass(frozen=True)
class LastError:
    config_id: int
    read: bool  # the poller has read this config's logs at least once
    at: datetime | None
    message: str


def config_last_errors(*, connection_id: int, project_id: str, config_ids: list[int]) -> list[LastError]:
    newest = PluginLogEntry.objects.filter(
        connection_id=connection_id, plugin_config_id=OuterRef("plugin_config_id"), type="ERROR"
    ).order_by("-timestamp", "-id")
    cursors = (
        LogCursor.objects.filter(connection_id=connection_id, project_id=project_id, plugin_config_id__in=config_ids)
        .annotate(error_at=Subquery(newest.values("timestamp")[:1]), error=Subquery(newest.values("message")[:1]))
        .values_list("plugin_config_id", "polled_at", "error_at", "error")
    )
    found = {row[0]: row for row in cursors}
    results = []
    for config_id in config_ids:
        _, polled_at, error_at, message = found.get(config_id, (config_id, None, None, None))
        results.append(LastError(config_id, polled_at is not None, error_at, message or ""))
    return results
