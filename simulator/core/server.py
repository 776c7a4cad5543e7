"""Serving the simulator over real HTTP: in a thread (tests, the demo) or as a command."""

import logging
import socket
import sys
import threading
from socketserver import ThreadingMixIn
from typing import Any, Self
from wsgiref.simple_server import (
    ServerHandler,
    WSGIRequestHandler,
    WSGIServer,
    make_server,
)

from simulator.core.app import DropConnection, Simulator
from simulator.core.http import Response
from simulator.core.seed import KEYS, Keys
from simulator.core.state import State
from simulator.core.store import Store
from simulator.profiles import DEFAULT_PROFILE, Profile, profile_named

logger = logging.getLogger("portal.simulator")


class _Handler(ServerHandler):
    def handle_error(self):
        if isinstance(sys.exc_info()[1], DropConnection):  # fault injection: no answer at all
            self.request_handler.close_connection = True
            try:
                self.request_handler.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        super().handle_error()


class _RequestHandler(WSGIRequestHandler):
    def handle(self):
        # WSGIRequestHandler.handle with our ServerHandler, so a dropped connection gets no answer.
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536 or not self.parse_request():
            return
        handler = _Handler(self.rfile, self.wfile, self.get_stderr(), self.get_environ(), multithread=True)
        handler.request_handler = self
        handler.run(self.server.get_app())

    def log_message(self, format, *args):
        logger.debug("simulator %s", format % args)


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class SimulatorServer:
    """A simulator served over real HTTP at `url`, playing `profile`.

    The methods below are the public API for tests and benches: what was asked (`requests`), answers scripted in
    advance (`script`), faults, a step of living data (`tick`) and the state area by area (`state`). Nothing
    outside the simulator reaches into its store.
    """

    def __init__(
        self,
        *,
        profile: str | Profile = DEFAULT_PROFILE,
        host: str = "127.0.0.1",
        port: int = 0,
        db_path: str = ":memory:",
        living: bool = False,
        living_interval: float = 5.0,
        seed_random: int | None = None,
    ) -> None:
        self.profile = profile_named(profile)
        self.simulator = Simulator(Store(db_path), profile=self.profile, seed_random=seed_random)
        self._server = make_server(
            host, port, self.simulator, server_class=ThreadingWSGIServer, handler_class=_RequestHandler
        )
        self.url = f"http://{host}:{self._server.server_address[1]}"
        # A short poll keeps stop() quick; tests start and stop many simulators.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="simulator", daemon=True
        )
        self._living = living
        self._living_interval = living_interval

    def start(self) -> Self:
        self._thread.start()
        if self._living:
            self.simulator.life.start(self._living_interval)
        return self

    def serve_forever(self) -> None:
        if self._living:
            self.simulator.life.start(self._living_interval)
        self._server.serve_forever()

    def stop(self) -> None:
        self.simulator.life.stop()
        self._server.shutdown()
        self._server.server_close()

    # The public API ------------------------------------------------------------------------------

    @property
    def state(self) -> State:
        return State(self.simulator.store, self.profile)

    @property
    def keys(self) -> Keys:
        return KEYS

    def requests(
        self, *, method: str | None = None, path: str | None = None, path_prefix: str | None = None
    ) -> list[dict]:
        """The API requests served so far, oldest first: {at, method, path, query, status, ms, body, content_type,
        files, user_agent}; filtered by method, exact path or path prefix."""
        return [
            entry
            for entry in self.simulator.request_log()
            if (method is None or entry["method"] == method.upper())
            and (path is None or entry["path"] == path)
            and (path_prefix is None or entry["path"].startswith(path_prefix))
        ]

    def requests_clear(self) -> None:
        with self.simulator._requests_lock:
            self.simulator.requests.clear()

    def script(
        self,
        method: str,
        path: str,
        *,
        status: int,
        body: Any = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` requests of `method` whose path fully matches the regular expression `path`
        with `status` and `body` (an outage of one endpoint, say), before faults of the whole API and before any
        handler runs."""
        self.simulator.script(method, path, Response(status, body, headers or {}), times=times)

    def scripts_clear(self) -> None:
        """Forget the scripted answers not yet given (an outage over)."""
        self.simulator.scripts_clear()

    def faults_set(self, **faults: Any) -> None:
        self.simulator.faults.configure(faults)

    def faults_clear(self) -> None:
        self.simulator.faults.reset()

    def tick(self) -> dict:
        """One step of living data (new log entries, drifting rates), as the living thread takes every few seconds."""
        return self.simulator.life.tick()

    def reset(self) -> None:
        self.simulator.reset()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
