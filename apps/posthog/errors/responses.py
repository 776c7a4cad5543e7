"""A failed answer of PostHog's read into the matching error: its status, the body shapes PostHog is known to send
(DRF's `detail`, drf-exceptions-hog's `type`/`attr`, field errors, proxies' HTML) and the words that name a more
precise refusal."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from . import kinds

__all__ = ["DETAIL_LIMIT", "SNIPPET_LIMIT", "error_class_for", "error_from_response", "text_snippet"]

SNIPPET_LIMIT = 200
DETAIL_LIMIT = 1000
_THROTTLE_WAIT = re.compile(r"available in (\d+(?:\.\d+)?) second", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
# posthog/permissions.py APIScopePermission: "This action does not support personal API key access" (older
# versions capitalise "Personal API Key"); PersonalApiKeySelfAccessPermission words it the same way.
_SCOPE_WALL = re.compile(r"does not support personal api key access", re.IGNORECASE)
# PluginsAccessLevelPermission and the older install checks (posthog/api/plugin.py).
_ACCESS_LEVEL = re.compile(
    r"plugin access level is insufficient|plugin installation is not available|"
    r"plugin (installation|configuration) via the web is disabled",
    re.IGNORECASE,
)


_BY_STATUS: dict[int, type[kinds.PostHogError]] = {
    400: kinds.ValidationError,
    401: kinds.AuthenticationFailed,
    402: kinds.PaymentRequired,
    403: kinds.PermissionDenied,
    404: kinds.NotFound,
    405: kinds.MethodNotAllowed,
    409: kinds.Conflict,
    429: kinds.Throttled,
}


def error_class_for(status: int) -> type[kinds.PostHogError]:
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    return kinds.ServerError if status >= 500 else kinds.PostHogError


def error_from_response(response: requests.Response) -> kinds.PostHogError:
    """Build the matching error from a non-2xx response."""
    status = response.status_code
    cls = error_class_for(status)
    detail, code, attr = _parse_error_body(response.text, keep_text=cls in (kinds.ServerError, kinds.PostHogError))
    cls = _refined(cls, detail)
    if cls is kinds.Throttled:
        return kinds.Throttled(
            detail,
            status=status,
            code=code,
            attr=attr,
            retry_after=_retry_after(response.headers.get("Retry-After"), detail),
        )
    return cls(detail, status=status, code=code, attr=attr)


def _refined(cls: type[kinds.PostHogError], detail: str | None) -> type[kinds.PostHogError]:
    """The more precise error PostHog's words name: a scope wall, a missing scope, a plugin access level, an
    endpoint this version does not have."""
    if cls is kinds.PermissionDenied and detail:
        if _SCOPE_WALL.search(detail):
            return kinds.PersonalKeyRefused
        if kinds.MISSING_SCOPE.search(detail):
            return kinds.MissingScope
        if _ACCESS_LEVEL.search(detail):
            return kinds.AccessLevelInsufficient
    if cls is kinds.ValidationError and detail and _ACCESS_LEVEL.search(detail):
        return kinds.AccessLevelInsufficient  # older PostHog words its install checks as a 400 ValidationError
    if cls is kinds.NotFound and detail == kinds.ENDPOINT_NOT_FOUND:
        return kinds.EndpointNotFound
    return cls


def text_snippet(text: str, limit: int = SNIPPET_LIMIT) -> str:
    """A short, tag-free, single-line excerpt of a non-JSON body."""
    flat = _SPACE.sub(" ", _TAG.sub(" ", text)).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _parse_error_body(text: str, *, keep_text: bool) -> tuple[str | None, str | None, str | None]:
    """Return (detail, code, attr) from any of the body shapes PostHog is known to send."""
    if not text.strip():
        return None, None, None
    try:
        payload = json.loads(text)
    except ValueError:
        # Proxy/HTML pages say little about a 4xx; for 5xx they are all we have.
        return (text_snippet(text) or None) if keep_text else None, None, None
    if isinstance(payload, dict):
        return _parse_error_dict(payload)
    return _clip(_first_message(payload)), None, None


def _parse_error_dict(payload: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    code = payload.get("code")
    code = code if isinstance(code, str) else None
    if "detail" in payload or "type" in payload:
        attr = payload.get("attr")
        return _clip(_first_message(payload.get("detail"))), code, attr if isinstance(attr, str) else None
    if "error" in payload:
        return _clip(_first_message(payload["error"])), code, None
    if isinstance(payload.get("errors"), list) and payload["errors"]:
        # products/cdp/backend/api/hog_function.py invocations: the CDP worker's failure, {"status": "error",
        # "errors": [its messages]}, not field errors.
        return _clip(_first_message(payload["errors"])), code, None
    attr, message = _first_field_error(payload)
    return _clip(message), code, attr


def _first_field_error(errors: dict[str, Any], prefix: str = "") -> tuple[str | None, str | None]:
    """DRF field errors: the first field (nested joined by `__`) and its first message."""
    for key, value in errors.items():
        path = f"{prefix}__{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            return _first_field_error(value, path)
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return _first_field_error(value[0], path)
        message = _first_message(value)
        if message:
            attr = None if path == "non_field_errors" else path
            return attr, message
    return None, None


def _first_message(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        for item in value:
            message = _first_message(item)
            if message:
                return message
        return None
    if isinstance(value, dict):
        return _first_message(list(value.values()))
    return str(value)


def _clip(message: str | None) -> str | None:
    if message is None or len(message) <= DETAIL_LIMIT:
        return message
    return message[: DETAIL_LIMIT - 1] + "…"


def _retry_after(header: str | None, detail: str | None) -> float | None:
    """Seconds to wait: the Retry-After header (seconds or HTTP date), else the detail text."""
    if header:
        header = header.strip()
        try:
            return max(0.0, float(header))
        except ValueError:
            pass
        try:
            when = parsedate_to_datetime(header)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            return max(0.0, (when - datetime.now(UTC)).total_seconds())
    if detail:
        match = _THROTTLE_WAIT.search(detail)
        if match:
            return float(match.group(1))
    return None
