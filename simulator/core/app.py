"""The simulator as a WSGI application: auth, scopes, faults, dispatch and a request log.

Control endpoints live under /_simulator/ (no auth): GET/POST/DELETE faults, POST reset, POST tick, GET/DELETE
requests, GET profile. They are the simulator's own, not PostHog's, and read their body as JSON whatever its
Content-Type (so `curl -d '{...}'` works).
"""

import json
import logging
import re
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass
from http import HTTPStatus
from typing import Any

from simulator import areas
from simulator.core import living, seed
from simulator.core.faults import FaultInjector
from simulator.core.http import ApiError, Request, Response
from simulator.core.routing import ANY_KEY, NO_SCOPE, Route, match
from simulator.core.store import Store, now_iso
from simulator.profiles import Profile

logger = logging.getLogger("portal.simulator")
REQUEST_LOG_SIZE = 5000
# posthog/permissions.py APIScopePermission, worded as the newest code words it (older: "Personal API Key").
SCOPE_WALL_DETAIL = "This action does not support personal API key access"


class DropConnection(Exception):
    """Close the connection without an answer."""


@dataclass
class ScriptedAnswer:
    """An answer a test asked for in place of the real one, for requests matching `method` and `path`."""

    method: str
    path: re.Pattern
    response: Response
    times: int


class Simulator:
    def __init__(self, store: Store, *, profile: Profile, seed_random: int | None = None) -> None:
        areas.load_all()
        self.store = store
        self.profile = profile
        self.faults = FaultInjector(seed_random)
        self.requests: deque[dict] = deque(maxlen=REQUEST_LOG_SIZE)
        self._requests_lock = threading.Lock()
        self._scripted: list[ScriptedAnswer] = []
        self.life = living.Life(store, profile, seed_random)
        if store.is_empty() or store.meta("profile") != profile.name:
            # A state file kept from another profile holds that PostHog's data: start again from this one's.
            self._seed()

    def _seed(self) -> None:
        with self.store.lock:
            self.store.clear()
            seed.seed(self.store, self.profile)
            self.store.meta_set("profile", self.profile.name)

    def reset(self) -> None:
        self._seed()
        self.faults.reset()
        with self._requests_lock:
            self.requests.clear()
            self._scripted.clear()

    def script(self, method: str, path: str, response: Response, *, times: int = 1) -> None:
        """Answer the next `times` requests whose path fully matches the regular expression `path` with `response`."""
        with self._requests_lock:
            self._scripted.append(ScriptedAnswer(method.upper(), re.compile(path), response, times))

    def scripts_clear(self) -> None:
        """Forget every scripted answer not yet given: the endpoint answers as PostHog does again."""
        with self._requests_lock:
            self._scripted.clear()

    # WSGI -----------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        started = time.monotonic()
        request = Request.from_environ(environ, self.store, self.profile)
        if request.path.startswith("/_simulator/"):
            response = self._control(request)  # not logged: the log is the API traffic under test
        else:
            try:
                response = self._api(request)
            except DropConnection:
                # Logged as status 0 (no answer): a test can still count what reached "PostHog".
                self._log(request, Response(0, None), started)
                raise
            self._log(request, response, started)
        payload = (
            response.raw
            if response.raw is not None
            else (b"" if response.body is None else json.dumps(response.body).encode())
        )
        headers = {"Content-Type": "application/json", **response.headers, "Content-Length": str(len(payload))}
        start_response(f"{response.status} {HTTPStatus(response.status).phrase}", list(headers.items()))
        return [payload]

    def _api(self, request: Request) -> Response:
        faults = self.faults.faults
        if faults.latency_ms:
            time.sleep(faults.latency_ms / 1000)
        method = request.method
        if self.faults.roll(faults.drop_rate, method):
            raise DropConnection()
        if self.faults.roll(faults.hang_rate, method):
            time.sleep(faults.hang_seconds)
        if (wait := self.faults.throttle_wait()) is not None:
            headers = {"Retry-After": str(wait)} if faults.retry_after_header else {}
            return Response(
                429,
                {
                    "type": "throttled_error",
                    "code": "throttled",
                    "detail": f"Request was throttled. Expected available in {wait} seconds.",
                    "attr": None,
                },
                headers,
            )
        if self.faults.roll(faults.error_rate, method):
            return Response(
                faults.error_status,
                {"type": "server_error", "code": "error", "detail": "A server error occurred.", "attr": None},
            )
        if (scripted := self._scripted_answer(request)) is not None:
            return scripted
        response = self._dispatch(request)
        # After dispatch the change is made (the store commits per request): only its answer is lost.
        if self.faults.roll(faults.drop_after_rate, method):
            raise DropConnection()
        if self.faults.roll(faults.hang_after_rate, method):
            time.sleep(faults.hang_seconds)
        if self.faults.roll(faults.malformed_rate, method) and response.body is not None:
            response.raw = json.dumps(response.body).encode()[: max(1, len(json.dumps(response.body)) // 2)]
        return response

    def _scripted_answer(self, request: Request) -> Response | None:
        with self._requests_lock:
            for scripted in self._scripted:
                if scripted.method == request.method and scripted.path.fullmatch(request.path):
                    scripted.times -= 1
                    if scripted.times <= 0:
                        self._scripted.remove(scripted)
                    return Response(scripted.response.status, scripted.response.body, dict(scripted.response.headers))
        return None

    def _dispatch(self, request: Request) -> Response:
        try:
            found, params, path_known = match(request.method, request.path, self.profile)
            if found is None and not path_known:
                # posthog/api/__init__.py api_not_found: any URL under /api/ that matches nothing, before any
                # authentication (its view has no authentication classes).
                raise ApiError(404, "Endpoint not found.", code="not_found")
            self._authenticate(request)
            if found is None and request.method == "OPTIONS":
                return self._metadata(request)
            if found is None:
                raise ApiError(405, f'Method "{request.method}" not allowed.', code="method_not_allowed")
            self._authorize(request, found)
            with self.store.transaction():
                result = found.handler(request, **params)
        except ApiError as error:
            return Response(error.status, error.body(), error.headers)
        if isinstance(result, Response):
            return result
        if result is None:
            return Response(204)
        return Response(200, result)

    @staticmethod
    def _metadata(request: Request) -> Response:
        """DRF's SimpleMetadata answer to OPTIONS on any routed URL (the action is then "metadata", which
        APIScopePermission checks as a read of the viewset's object: any valid key of the organization passes here,
        a simplification)."""
        name = request.path.rstrip("/").rsplit("/", 1)[-1].replace("_", " ").title()
        return Response(
            200,
            {
                "name": name,
                "description": "",
                "renders": ["application/json", "text/html"],
                "parses": ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"],
            },
        )

    def _authenticate(self, request: Request) -> None:
        header = request.authorization
        if not header:
            raise ApiError(
                401,
                "Authentication credentials were not provided.",
                type="authentication_error",
                code="not_authenticated",
            )
        scheme, _, token = header.partition(" ")
        key = self.store.get("personal_api_key", token.strip()) if scheme.lower() == "bearer" else None
        if key is None:
            raise ApiError(401, "Invalid personal API key.", type="authentication_error", code="authentication_failed")
        request.key = key

    @staticmethod
    def _authorize(request: Request, found: Route) -> None:
        """posthog/permissions.py APIScopePermission.has_permission, for personal API keys."""
        granted = request.key.get("scopes")
        if not granted or found.scope == ANY_KEY:
            return  # a key made before PostHog had scopes: every action accepts it
        if found.scope is NO_SCOPE:
            raise ApiError(403, SCOPE_WALL_DETAIL, type="authentication_error", code="permission_denied")
        if "*" in granted or found.scope in granted:
            return
        # A write scope implies the read scope of the same object, as on PostHog.
        if found.scope.endswith(":read") and found.scope.replace(":read", ":write") in granted:
            return
        raise ApiError(
            403,
            f"API key missing required scope '{found.scope}'",
            type="authentication_error",
            code="permission_denied",
        )

    # Control --------------------------------------------------------------------------------

    def _control(self, request: Request) -> Response:
        name = request.path.removeprefix("/_simulator/").strip("/")
        if name == "faults" and request.method == "GET":
            return Response(200, asdict(self.faults.faults))
        if name == "faults" and request.method in ("POST", "PATCH"):
            try:
                return Response(200, asdict(self.faults.configure(_control_body(request))))
            except (ValueError, TypeError) as error:
                return Response(400, {"detail": str(error)})
        if name == "faults" and request.method == "DELETE":
            return Response(200, asdict(self.faults.reset()))
        if name == "reset" and request.method == "POST":
            self.reset()
            return Response(200, {"reset": True, "profile": self.profile.name})
        if name == "tick" and request.method == "POST":
            return Response(200, self.life.tick())
        if name == "profile" and request.method == "GET":
            return Response(200, self.profile.describe())
        if name == "requests" and request.method == "GET":
            with self._requests_lock:
                return Response(200, list(self.requests))
        if name == "requests" and request.method == "DELETE":
            with self._requests_lock:
                self.requests.clear()
            return Response(204)
        return Response(404, {"detail": "Unknown simulator control endpoint."})

    def _log(self, request: Request, response: Response, started: float) -> None:
        entry = {
            "at": now_iso(),
            "method": request.method,
            "path": request.path,
            "query": {k: v if len(v) > 1 else v[0] for k, v in request.query.items()},
            "status": response.status,
            "ms": int((time.monotonic() - started) * 1000),
            "body": request.body if request.body is not ... else "<invalid json>",
            "content_type": request.content_type,
            "files": sorted(request.files),
            "user_agent": request.user_agent,
        }
        with self._requests_lock:
            self.requests.append(entry)

    def request_log(self) -> list[dict]:
        with self._requests_lock:
            return list(self.requests)


def _control_body(request: Request) -> Any:
    """The control body as JSON, whatever Content-Type came with it (curl -d sends a form type)."""
    if not request.raw.strip():
        return {}
    try:
        body = json.loads(request.raw)
    except ValueError:
        raise ValueError("send the control body as a JSON object") from None
    if not isinstance(body, dict):
        raise ValueError("send the control body as a JSON object")
    return body
