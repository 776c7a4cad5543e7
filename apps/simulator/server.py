"""Serving the simulator over real HTTP: in a thread (tests, the demo) or as a command."""

import logging
import socket
import sys
import threading
from socketserver import ThreadingMixIn
from typing import Self
from wsgiref.simple_server import (
    ServerHandler,
    WSGIRequestHandler,
    WSGIServer,
    make_server,
)

from apps.simulator.app import DropConnection, Simulator
from apps.simulator.store import Store

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
    """A running simulator: `url`, `simulator` (state, faults, request log), `stop()`."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        db_path: str = ":memory:",
        living: bool = False,
        living_interval: float = 5.0,
        seed_random: int | None = None,
    ) -> None:
        self.simulator = Simulator(Store(db_path), seed_random=seed_random)
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

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
