"""Secondary reads: a part of a page that PostHog may refuse or fail to serve, without taking the page down."""

from collections.abc import Callable
from dataclasses import dataclass

from apps.posthog.errors import PostHogError


@dataclass(frozen=True)
class Outcome[T]:
    """What a read gave, or why PostHog did not give it (`error`, whose user_message the page shows in its place)."""

    value: T | None = None
    error: PostHogError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def attempt[T](read: Callable[[], T]) -> Outcome[T]:
    """Run a read the page can do without: its value, or the PostHog error that stands in its place."""
    try:
        return Outcome(value=read())
    except PostHogError as error:
        return Outcome(error=error)
