"""What the hog function page tests share: where things are, and reading a page as a person would."""

import json
import re
from html import unescape

from django.urls import reverse

HTMX = {"HTTP_HX_REQUEST": "true"}
FUNCTIONS = "/api/projects/1/hog_functions/"
CURRENT = ("current",)


def text(response) -> str:
    return response.content.decode()


def words(response) -> str:
    """The page's visible text, tags dropped and spaces folded."""
    body = text(response)
    body = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def function(simulator, name: str) -> dict:
    found = simulator.state.hog_functions.by_name(name)
    assert found is not None, name
    return found


def url(name: str, found: dict | None = None, query: str = "") -> str:
    address = reverse(f"hog_functions:{name}", args=[found["id"]] if found else [])
    return f"{address}?{query}" if query else address


def toasts(response) -> list[dict]:
    """The toasts an htmx answer carries (HX-Trigger), each {level, message, action?}."""
    trigger = response.headers.get("HX-Trigger")
    return json.loads(trigger).get("toasts", []) if trigger else []


def served(simulator, method: str, path_prefix: str) -> list[dict]:
    return simulator.requests(method=method, path_prefix=path_prefix)


def script_refusal(simulator, method: str, found: dict, tail: str, *, status: int, body: dict) -> None:
    """PostHog answers the next request to the function's `tail` (e.g. "logs/") with `status` and `body`, as often
    as the client retries."""
    simulator.script(method, rf"{FUNCTIONS}{found['id']}/{tail}", status=status, body=body, times=10)


# posthog/permissions.py APIScopePermission's refusal of a key without the write scope.
MISSING_WRITE_SCOPE = {
    "type": "authentication_error",
    "code": "permission_denied",
    "attr": None,
    "detail": "API key missing required scope 'hog_function:write'",
}
