"""A tiny PostHog stand-in on a local port, for tests that need a real HTTP peer."""

import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class FakePostHog:
    url: str
    seen_authorization: list[str] = field(default_factory=list)


@contextmanager
def fake_posthog(routes: dict[str, tuple[int, object]]):
    """Serve `routes` ({path: (status, json body)}) until the block ends; yields a FakePostHog."""
    fake = FakePostHog(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            fake.seen_authorization.append(self.headers.get("Authorization", ""))
            status, body = routes.get(
                self.path.split("?")[0], (404, {"type": "invalid_request", "detail": "Not found."})
            )
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
