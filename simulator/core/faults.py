"""Faults the simulator can inject at run time, for reliability tests and demos."""

import random
import threading
import time
from dataclasses import asdict, dataclass, fields


@dataclass
class Faults:
    latency_ms: int = 0  # added to every API answer
    error_rate: float = 0.0  # share of answers that are a 5xx
    error_status: int = 503
    malformed_rate: float = 0.0  # share of answers whose body is broken JSON
    hang_rate: float = 0.0  # share of requests that hang for hang_seconds before answering
    hang_seconds: float = 30.0
    drop_rate: float = 0.0  # share of connections closed with no answer at all, before the request is handled
    # The same two after the request was handled (a write made, its answer lost): how a client learns to settle
    # an ambiguous write by reading it back rather than sending it again.
    drop_after_rate: float = 0.0  # share of requests handled, then their connection closed with no answer
    hang_after_rate: float = 0.0  # share of requests handled, then answered only after hang_seconds
    # Methods the rate faults (errors, malformed, hangs, drops) apply to, comma-separated ("POST,PATCH"); empty
    # for every method. Lets a test break a write's answer while the read that settles it still works.
    fault_methods: str = ""
    rate_limit_per_minute: int = 0  # 0 = no limit; past it, 429 throttled_error
    retry_after_header: bool = False  # PostHog often sends no Retry-After; the detail names the wait

    @classmethod
    def field_names(cls) -> set[str]:
        return {f.name for f in fields(cls)}


class FaultInjector:
    def __init__(self, seed: int | None = None) -> None:
        self.faults = Faults()
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._window_start = time.monotonic()
        self._window_count = 0

    def configure(self, changes: dict) -> Faults:
        unknown = set(changes) - Faults.field_names()
        if unknown:
            raise ValueError(f"unknown faults: {', '.join(sorted(unknown))}")
        if isinstance(changes.get("fault_methods"), list):
            changes = {**changes, "fault_methods": ",".join(changes["fault_methods"])}
        if not isinstance(changes.get("fault_methods", ""), str):
            raise ValueError('fault_methods: a comma-separated list of HTTP methods, such as "POST,PATCH"')
        with self._lock:
            merged = {**asdict(self.faults), **changes}
            self.faults = Faults(**merged)
            self._window_start, self._window_count = time.monotonic(), 0
        return self.faults

    def reset(self) -> Faults:
        with self._lock:
            self.faults = Faults()
        return self.faults

    def roll(self, rate: float, method: str = "") -> bool:
        methods = {name.strip().upper() for name in self.faults.fault_methods.split(",") if name.strip()}
        if methods and method.upper() not in methods:
            return False
        with self._lock:
            return rate > 0 and self._random.random() < rate

    def throttle_wait(self) -> int | None:
        """Seconds until the next request is allowed, or None when this one may pass."""
        limit = self.faults.rate_limit_per_minute
        if not limit:
            return None
        with self._lock:
            now = time.monotonic()
            if now - self._window_start >= 60:
                self._window_start, self._window_count = now, 0
            self._window_count += 1
            if self._window_count <= limit:
                return None
            return max(1, int(60 - (now - self._window_start)))
