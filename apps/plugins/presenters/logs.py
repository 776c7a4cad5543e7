"""A plugin log entry as the logs pages show it (this config's logs here, every config's in history)."""

from dataclasses import dataclass
from datetime import datetime

from apps.core.log_text import LogText
from apps.plugins.forms.logs import LOG_TYPES
from apps.posthog.values import moment


@dataclass(frozen=True)
class LogRow(LogText):
    id: str
    timestamp: str
    at: datetime | None
    type: str
    source: str
    message: str
    instance_id: str

    @property
    def type_class(self) -> str:
        return self.type.lower() if self.type in LOG_TYPES else "other"


def log_row(entry: dict) -> LogRow:
    timestamp = str(entry.get("timestamp") or "")
    return LogRow(
        id=str(entry.get("id") or ""),
        timestamp=timestamp,
        at=moment(timestamp),
        type=str(entry.get("type") or ""),
        source=str(entry.get("source") or ""),
        message=str(entry.get("message") or ""),
        instance_id=str(entry.get("instance_id") or ""),
    )
