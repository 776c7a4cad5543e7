"""The simulator as a WSGI application: auth, scopes, faults, dispatch and a request log.

Control endpoints live under /_simulator/ (no auth): GET/POST faults, POST reset, POST tick,
GET requests. They are the simulator's own, not PostHog's.
"""

import json
import logging
import threading
import time
from collections import deque
from dataclasses import asdict
from http import HTTPStatus

from apps.simulator import areas, living, seed
from apps.simulator.faults import FaultInjector
from apps.simulator.http import ApiError, Request, Response
from apps.simulator.routing import match
from apps.simulator.store import Store, now_iso

logger = logging.getLogger("portal.simulator")
REQUEST_LOG_SIZE = 2000


class DropConnection(Exception):
    """Close the connection without an answer."""


class Simulator:
    def __init__(self, store: Store, *, seed_random: int | None = None) -> None:
        areas.load_all()
        self.store = store
        self.faults = FaultInjector(seed_random)
        self.requests: deque[dict] = deque(maxlen=REQUEST_LOG_SIZE)
        self._requests_lock = threading.Lock()
        self.life = living.Life(store, seed_random)
        if store.is_empty():
            seed.seed(store)

    def reset(self) -> None:
        with self.store.lock:
            self.store.clear()
            seed.seed(self.store)
        self.faults.reset()
        with self._requests_lock:
            self.requests.clear()

    # WSGI -----------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        started = time.monotonic()
        request = Request.from_environ(environ, self.store)
        if request.path.startswith("/_simulator/"):
            response = self._control(request)  # not logged: the log is the API traffic under test
        else:
            response = self._api(request)
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
        if self.faults.roll(faults.drop_rate):
            raise DropConnection()
        if self.faults.roll(faults.hang_rate):
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
        if self.faults.roll(faults.error_rate):
            return Response(
                faults.error_status,
                {"type": "server_error", "code": "error", "detail": "A server error occurred.", "attr": None},
            )
        response = self._dispatch(request)
        if self.faults.roll(faults.malformed_rate) and response.body is not None:
            response.raw = json.dumps(response.body).encode()[: max(1, len(json.dumps(response.body)) // 2)]
        return response

    def _dispatch(self, request: Request) -> Response:
        try:
            self._authenticate(request)
            found, params, path_known = match(request.method, request.path)
            if found is None:
                if path_known:
                    raise ApiError(405, f'Method "{request.method}" not allowed.', code="method_not_allowed")
                raise ApiError(404, "Not found.", code="not_found")
            self._authorize(request, found.scope)
            with self.store.transaction():
                result = found.handler(request, **params)
        except ApiError as error:
            return Response(error.status, error.body(), error.headers)
        if isinstance(result, Response):
            return result
        if result is None:
            return Response(204)
        return Response(200, result)

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
    def _authorize(request: Request, scope: str | None) -> None:
        granted = set(request.key["scopes"])
        if scope is None or "*" in granted or scope in granted:
            return
        # A write scope implies the read scope of the same object, as on PostHog.
        if scope.endswith(":read") and scope.replace(":read", ":write") in granted:
            return
        raise ApiError(403, f"API key missing required scope '{scope}'", code="permission_denied")

    # Control --------------------------------------------------------------------------------

    def _control(self, request: Request) -> Response:
        name = request.path.removeprefix("/_simulator/").strip("/")
        if name == "faults" and request.method == "GET":
            return Response(200, asdict(self.faults.faults))
        if name == "faults" and request.method in ("POST", "PATCH"):
            try:
                return Response(200, asdict(self.faults.configure(request.data())))
            except (ValueError, TypeError, ApiError) as error:
                return Response(400, {"detail": str(error)})
        if name == "faults" and request.method == "DELETE":
            return Response(200, asdict(self.faults.reset()))
        if name == "reset" and request.method == "POST":
            self.reset()
            return Response(200, {"reset": True})
        if name == "tick" and request.method == "POST":
            return Response(200, self.life.tick())
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
        }
        with self._requests_lock:
            self.requests.append(entry)

    def request_log(self) -> list[dict]:
        with self._requests_lock:
            return list(self.requests)
