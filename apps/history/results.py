from dataclasses import dataclass, field


@dataclass
class PollResult:
    """What one poll of one connection did, for its PollRun row and the status page."""

    items_stored: int = 0
    requests_made: int = 0
    errors: list[str] = field(default_factory=list)
    # What the run left out on purpose, and why (PostHog refuses it to the key, or lacks it): not a failure.
    notes: list[str] = field(default_factory=list)

    def add(self, other: "PollResult") -> None:
        self.items_stored += other.items_stored
        self.requests_made += other.requests_made
        self.errors += other.errors
        self.notes += other.notes
