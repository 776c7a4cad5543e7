"""Errors of a write whose answer was lost: sent, but whether PostHog made it is not known from its answer."""

from __future__ import annotations

from .kinds import PostHogError

__all__ = [
    "ANSWER_TIMED_OUT",
    "ANSWER_UNREADABLE",
    "CONNECTION_DROPPED",
    "AppliedUnread",
    "OutcomeUnknown",
    "SecretNotShown",
    "WriteNotApplied",
]

# Why a write's answer never arrived although the request may have reached PostHog.
ANSWER_UNREADABLE = "its answer could not be read"
ANSWER_TIMED_OUT = "it did not answer in time"
CONNECTION_DROPPED = "the connection dropped before its answer"


class OutcomeUnknown(PostHogError):
    """A write was sent, but whether PostHog made it is unknown: its answer was unreadable, the connection dropped
    after sending, or it timed out. The client reads the object back to settle it (`WriteRecord.settled`); this is
    raised when even that could not tell. Never retried on its own: sending it again might make it twice."""

    default_detail = "The outcome of the change is unknown."

    def __init__(self, *, reason: str, status: int | None = None, detail: str | None = None) -> None:
        super().__init__(detail or f"PostHog was sent the change, but {reason}.", status=status)
        self.reason = reason
        # Whether the portal read the object back before giving up (the client says, `_settled`): a write with
        # nothing to read back (a POST action whose object no read serves) was never read, and must not say it was.
        self.read_back = True

    @property
    def unsettled(self) -> str:
        """Why the outcome stays unknown, after the reason the answer was lost: true to what the portal did."""
        if self.read_back:
            return "reading it back could not tell whether PostHog made it"
        return "the portal has no way to read this kind of change back, so it cannot tell whether PostHog made it"

    @property
    def user_message(self) -> str:
        return (
            f"PostHog was sent the change, but {self.reason}, and {self.unsettled}. Check in PostHog before "
            "sending it again, so it is not made twice. Your edit is kept below."
        )


class WriteNotApplied(PostHogError):
    """A write whose answer was lost, settled by reading the object back: PostHog does not hold the change."""

    default_detail = "PostHog did not make the change."

    def __init__(self, *, reason: str, status: int | None = None) -> None:
        super().__init__(f"PostHog was sent the change, but {reason}; read back, it does not hold it.", status=status)
        self.reason = reason

    @property
    def user_message(self) -> str:
        return (
            f"PostHog was sent the change, but {self.reason}. The portal read it back: PostHog did not make it, so "
            "nothing was changed. Your edit is kept below; you can send it again."
        )


class AppliedUnread(PostHogError):
    """A write PostHog made (it answered 2xx, or reading back found the change) whose result the portal could not
    read: the person must know it exists, so they do not make it a second time."""

    default_detail = "PostHog made the change, but the result could not be read."

    def __init__(self, *, reason: str, status: int | None = None) -> None:
        super().__init__(f"PostHog made the change, but {reason}.", status=status)
        self.reason = reason

    @property
    def user_message(self) -> str:
        return (
            f"PostHog made the change, but {self.reason}, so the portal cannot show the result. Reload to see it; "
            "do not send it again."
        )


class SecretNotShown(AppliedUnread):
    """A secret key PostHog made whose answer, the only copy of its secret, was lost; reading it back found the key
    (posthog/api/project_secret_api_key.py answers `value` to the create and the roll only)."""

    def __init__(self, *, label: str) -> None:
        super().__init__(reason="its answer, which carried the only copy of the secret, was lost")
        self.label = label

    @property
    def user_message(self) -> str:
        return (
            f"PostHog made the key “{self.label}”, but its answer, which carried the only copy of the secret, was "
            "lost, and PostHog never shows a secret again. Roll the key to get a new secret; do not create it again."
        )
