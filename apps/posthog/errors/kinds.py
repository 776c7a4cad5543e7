"""The errors the PostHog client raises, one class per kind of failure, each with the sentence a person reads."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, ClassVar

__all__ = [
    "AccessLevelInsufficient",
    "AuthenticationFailed",
    "BadResponse",
    "ChangeNotKept",
    "Conflict",
    "DeadlineExceeded",
    "ENDPOINT_NOT_FOUND",
    "EndpointNotFound",
    "MISSING_SCOPE",
    "MethodNotAllowed",
    "MissingScope",
    "NotFound",
    "PaymentRequired",
    "PermissionDenied",
    "PersonalKeyRefused",
    "PostHogError",
    "ServerError",
    "Throttled",
    "Unkept",
    "Unreachable",
    "UpstreamTimeout",
    "ValidationError",
]

# posthog/api/__init__.py api_not_found: the URL matches no endpoint of this PostHog version.
ENDPOINT_NOT_FOUND = "Endpoint not found."
# "API key missing required scope 'plugin:write'" (posthog/permissions.py APIScopePermission).
MISSING_SCOPE = re.compile(r"missing required scope '([^']+)'", re.IGNORECASE)


class PostHogError(Exception):
    """Base for every failure talking to PostHog."""

    default_detail = "PostHog returned an unexpected error."
    # What a person reads about this kind of failure, PostHog's own words appended where they add something (see
    # `_said`); None where the kind builds its message from more than that (its `user_message` says how).
    sentence: ClassVar[str | None] = None
    # PostHog's words that say no more than our sentence does: not appended.
    says_nothing: ClassVar[frozenset[str]] = frozenset()

    def __init__(
        self,
        detail: str | None = None,
        *,
        status: int | None = None,
        code: str | None = None,
        attr: str | None = None,
    ) -> None:
        self.detail: str = detail or self.default_detail
        self.status = status
        self.code = code
        self.attr = attr
        # Set by the client: the request that failed, and where PostHog's own app offers the same thing.
        self.method: str | None = None
        self.path: str | None = None
        self.app_url: str | None = None
        super().__init__(self.detail)

    def __str__(self) -> str:
        return f"{self.detail} (HTTP {self.status})" if self.status else self.detail

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only attributes would be lost by the default pickling (Celery results).
        return (_rebuild, (type(self), dict(self.__dict__)))

    def redact(self, secret: str, replacement: str = "[redacted]") -> None:
        """Remove a secret from the detail, in case an upstream body echoed it."""
        if secret and secret in self.detail:
            self.detail = self.detail.replace(secret, replacement)
            self.args = (self.detail,)

    @property
    def user_message(self) -> str:
        if self.sentence is not None:
            return self._said(self.sentence)
        if self.status:
            return f"PostHog returned an error (HTTP {self.status}): {self.detail}"
        return self.detail

    def _said(self, sentence: str) -> str:
        """Append PostHog's own wording when it adds something to our sentence."""
        if self.detail and self.detail != self.default_detail and self.detail not in self.says_nothing:
            return f"{sentence} PostHog said: “{self.detail}”"
        return sentence


def _rebuild(cls: type[PostHogError], state: dict[str, Any]) -> PostHogError:
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("detail", ""))
    error.__dict__.update(state)
    return error


class ValidationError(PostHogError):
    default_detail = "PostHog rejected the request as invalid."

    @property
    def user_message(self) -> str:
        if self.attr:
            field = self.attr.replace("__", " → ")
            return f"PostHog rejected the value of the field “{field}”: {self.detail}"
        return f"PostHog rejected the request: {self.detail}"


class AuthenticationFailed(PostHogError):
    default_detail = "Authentication credentials were not provided or are invalid."
    sentence = (
        "PostHog rejected the API key: it may be wrong, expired or revoked. "
        "Check the key configured for this connection."
    )


class PermissionDenied(PostHogError):
    default_detail = "You do not have permission to perform this action."

    @property
    def user_message(self) -> str:
        # PostHog's words always follow a refusal (even its default ones): they name what was refused.
        return (
            "PostHog refused this action: the API key or its owner is not allowed to do it here. "
            f"PostHog said: “{self.detail}”"
        )


class PersonalKeyRefused(PermissionDenied):
    """PostHog refuses every personal API key for this action, whatever its scopes (`*` included): the action
    declares no scope, so only PostHog's own app, signed in, may do it. Asking again or adding scopes changes
    nothing."""

    default_detail = "This action does not support personal API key access"

    @property
    def user_message(self) -> str:
        return (
            "PostHog does not accept personal API keys for this action, whatever the key's scopes: "
            "do it in PostHog's app instead."
        )


class MissingScope(PermissionDenied):
    """The key lacks the scope PostHog requires here ("API key missing required scope 'plugin:write'")."""

    @property
    def scope(self) -> str:
        found = MISSING_SCOPE.search(self.detail)
        return found.group(1) if found else ""

    @property
    def user_message(self) -> str:
        scope = self.scope or "required"
        return (
            f"The API key lacks the scope “{scope}” that PostHog requires here. Add it to the key in PostHog "
            "(personal API keys, in your account settings), or use a key that has it."
        )


class AccessLevelInsufficient(PermissionDenied):
    """The organization's plugin access level forbids this (installing, editing and upgrading plugins need the
    Install level; many organizations, cloud ones by default, are at Configure)."""

    @property
    def user_message(self) -> str:
        return self._said(
            "PostHog refused this: the organization's plugin access level does not allow it "
            "(installing, editing, upgrading and uninstalling plugins need the Install level)."
        )


class NotFound(PostHogError):
    default_detail = "Not found."

    @property
    def user_message(self) -> str:
        return "PostHog could not find this object: it may have been deleted, or the API key cannot see it."


class EndpointNotFound(NotFound):
    """No such endpoint on this PostHog version (retired, like plugin jobs, or not yet there): not a missing object."""

    default_detail = ENDPOINT_NOT_FOUND

    @property
    def user_message(self) -> str:
        return "This PostHog does not offer this: the endpoint does not exist in the version it runs."


class MethodNotAllowed(PostHogError):
    default_detail = "This operation is not allowed on this object."
    sentence = "PostHog does not allow this operation on this object."


class Conflict(PostHogError):
    default_detail = "The request conflicts with the current state of the object."
    sentence = (
        "This change conflicts with the current state in PostHog "
        "(someone may have changed it meanwhile). Reload and try again."
    )


class PaymentRequired(PostHogError):
    default_detail = "This feature requires a paid plan."
    sentence = "PostHog refused this because it needs a plan or add-on that the organization does not have."


class Throttled(PostHogError):
    default_detail = "Request was throttled."

    def __init__(
        self,
        detail: str | None = None,
        *,
        status: int | None = 429,
        code: str | None = None,
        attr: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(detail, status=status, code=code, attr=attr)
        self.retry_after = retry_after

    @property
    def user_message(self) -> str:
        if self.retry_after is None:
            wait = "in a minute"
        else:
            seconds = max(1, math.ceil(self.retry_after))
            wait = f"in {seconds} second{'s' if seconds != 1 else ''}"
        return f"PostHog is rate-limiting requests from this API key; try again {wait}."


class ServerError(PostHogError):
    default_detail = "PostHog had an internal error."
    # What PostHog answers for any unhandled exception (DRF's APIException.default_detail, through
    # posthog/exceptions.py's exception handler): "internal error" already says it.
    says_nothing = frozenset({"A server error occurred."})

    @property
    def user_message(self) -> str:
        return self._said(f"PostHog had an internal error (HTTP {self.status}); try again in a moment.")


class UpstreamTimeout(PostHogError):
    default_detail = "PostHog did not answer in time."

    def __init__(self, detail: str | None = None, *, seconds: float | None = None) -> None:
        if detail is None and seconds is not None:
            detail = f"PostHog did not answer within {seconds:g} seconds."
        super().__init__(detail)
        self.seconds = seconds

    @property
    def user_message(self) -> str:
        if self.seconds is None:
            return "PostHog did not answer in time; try again in a moment."
        return f"PostHog did not answer within {self.seconds:g} seconds; try again in a moment."


class DeadlineExceeded(UpstreamTimeout):
    """The page's or action's time budget for PostHog (apps.posthog.deadline) ran out: what could not be read in
    it is left out, and the person is told how long PostHog was given."""

    def __init__(self, *, budget: float) -> None:
        super().__init__(f"PostHog did not answer in {budget:g} s.", seconds=budget)
        self.budget = budget

    @property
    def user_message(self) -> str:
        return f"PostHog did not answer in {self.budget:g} s; try again in a moment."


class Unreachable(PostHogError):
    default_detail = "Could not reach PostHog."

    def __init__(self, *, host: str, reason: str = "connection failed") -> None:
        super().__init__(f"Could not reach PostHog at {host} ({reason}).")
        self.host = host
        self.reason = reason

    @property
    def user_message(self) -> str:
        return f"Could not reach PostHog at {self.host} ({self.reason}). Check the host setting and the network."


class BadResponse(PostHogError):
    default_detail = "PostHog sent a response the portal cannot read."

    @property
    def user_message(self) -> str:
        return f"PostHog sent an answer the portal could not understand: {self.detail}"


@dataclass(frozen=True)
class Unkept:
    """One value PostHog did not keep: what was sent, and what PostHog answered it holds instead."""

    field: str
    sent: Any
    kept: Any


class ChangeNotKept(PostHogError):
    """PostHog answered a write as done, yet holds other values than were sent: it silently ignored part of the
    change (a plugin config's `config` sent as JSON, say). Nothing may be called saved."""

    default_detail = "PostHog did not keep the change."

    def __init__(self, unkept: list[Unkept], *, answer: Any = None, status: int | None = None) -> None:
        super().__init__(self.default_detail, status=status)
        self.unkept = unkept
        self.answer = answer

    @property
    def user_message(self) -> str:
        fields = ", ".join(f"“{item.field}”" for item in self.unkept[:8])
        more = f" and {len(self.unkept) - 8} more" if len(self.unkept) > 8 else ""
        return (
            f"PostHog answered as if it saved the change, but it still holds other values for {fields}{more}. "
            "Nothing was changed there; your edit is kept below."
        )
