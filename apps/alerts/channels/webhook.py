"""A generic webhook: the payload as JSON, signed so the receiver knows it came from this portal and is fresh.

The signature is HMAC-SHA256, keyed with the channel's signing secret, of "<timestamp>.<raw body>", in
`X-Portal-Signature: sha256=<hex>`; the receiver recomputes it over the bytes it received and refuses an old
timestamp (README, "Webhook signature"). Signing the timestamp with the body stops a recorded request from being
replayed later under a new time."""

import hashlib
import hmac
import json
import time
from typing import Any

from apps.alerts.channels.errors import ChannelError
from apps.alerts.channels.http import post
from apps.alerts.models import Channel

SIGNATURE_HEADER = "X-Portal-Signature"
TIMESTAMP_HEADER = "X-Portal-Timestamp"
DELIVERY_HEADER = "X-Portal-Delivery"


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signature_of(*, secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def send(channel: Channel, payload: dict[str, Any], *, delivery_key: str) -> None:
    if not channel.signing_secret:
        # Unsigned, the receiver could not tell this portal from anyone who learnt the URL.
        raise ChannelError("The webhook has no signing secret: set one on the channel.")
    body = body_of(payload)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "PostHog-Ops-Portal-Alerts",
        DELIVERY_HEADER: delivery_key,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature_of(secret=channel.signing_secret, timestamp=timestamp, body=body),
    }
    post(url=channel.url, body=body, headers=headers, what="webhook")
