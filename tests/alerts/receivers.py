"""Real peers for the alert channels: a local SMTP server (aiosmtpd) and a local HTTP receiver that checks a
webhook's signature the way the README tells a receiver to."""

import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Mailbox:
    host: str = "127.0.0.1"
    port: int = 0
    refuse: set[str] = field(default_factory=set)  # addresses the server answers 550
    messages: list[tuple[list[str], Message]] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(settings, **options: Any) -> Iterator[Mailbox]:
    """A mail server on a local port, and Django's SMTP backend pointed at it."""
    mailbox = Mailbox(port=free_port(), **options)
    controller = Controller(mailbox, hostname=mailbox.host, port=mailbox.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = mailbox.host, mailbox.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.PORTAL_EMAIL_ENABLED = True
    settings.DEFAULT_FROM_EMAIL = "Portal <portal@example.test>"
    try:
        yield mailbox
    finally:
        controller.stop()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    signature_ok: bool

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str = ""
    secret: str = ""
    # Status of each answer in turn; once they run out, 200 (or `block` holds the answer until set).
    statuses: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)
    block: threading.Event | None = None


def signature_valid(*, secret: str, headers: dict[str, str], body: bytes, tolerance: int = 300) -> bool:
    """What a receiver does (README, "Webhook signature"): recompute over the raw body, compare in constant time,
    refuse an old timestamp."""
    timestamp = headers.get("X-Portal-Timestamp", "")
    given = headers.get("X-Portal-Signature", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given)


@contextmanager
def http_receiver(*, secret: str = "", statuses: list[int] | None = None, block: threading.Event | None = None):
    """A webhook receiver on a local port: answers 401 to a request whose signature is wrong (when `secret` is
    given), else the next of `statuses` (200 when they run out)."""
    receiver = Receiver(secret=secret, statuses=list(statuses or []), block=block)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = dict(self.headers.items())
            ok = signature_valid(secret=secret, headers=headers, body=body) if secret else False
            receiver.received.append(Received(self.path, headers, body, ok))
            receiver.arrived.set()
            if receiver.block is not None:
                receiver.block.wait(10)
            status = 401 if secret and not ok else (receiver.statuses.pop(0) if receiver.statuses else 200)
            answer = b"ok" if status < 300 else b"<html><body><h1>refused</h1> invalid_token</body></html>"
            self.send_response(status)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/T000/B000/s3cr3tPathPart"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
