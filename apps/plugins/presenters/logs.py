"""A plugin log entry as the logs pages show it (this config's logs here, every config's in history)."""

from dataclasses import dataclass
from datetime import UTC, datetime

from apps.plugins.forms.logs import LOG_TYPES
from apps.posthog.values import moment

LONG_MESSAGE = 400
SUMMARY_LENGTH = 160


@dataclass(frozen=True)
class LogRow:
    id: str
    timestamp: str
    at: datetime | None
    type: str
    source: str
    message: str
    instance_id: str

    @property
    def time_label(self) -> str:
        return self.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] if self.at else self.timestamp

    @property
    def type_class(self) -> str:
        return self.type.lower() if self.type in LOG_TYPES else "other"

    @property
    def collapsed(self) -> bool:
        return len(self.message) > LONG_MESSAGE or "\n" in self.message.strip()

    @property
    def summary(self) -> str:
        first = self.message.strip().split("\n", 1)[0]
        return first if len(first) <= SUMMARY_LENGTH else first[:SUMMARY_LENGTH] + "…"


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
