"""How a log entry reads on the logs pages (a plugin config's, a hog function's, history's): its time to the
millisecond in UTC, and a long or multi-line message folded behind its first line."""

from datetime import UTC, datetime

LONG_MESSAGE = 400
SUMMARY_LENGTH = 160


class LogText:
    """A mixin for a log row dataclass that has `timestamp` (PostHog's text), `at` (it read) and `message`."""

    timestamp: str
    at: datetime | None
    message: str

    @property
    def time_label(self) -> str:
        return self.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] if self.at else self.timestamp

    @property
    def collapsed(self) -> bool:
        return len(self.message) > LONG_MESSAGE or "\n" in self.message.strip()

    @property
    def summary(self) -> str:
        first = self.message.strip().split("\n", 1)[0]
        return first if len(first) <= SUMMARY_LENGTH else first[:SUMMARY_LENGTH] + "…"
