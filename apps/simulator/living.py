"""Living data: while the simulator runs, plugin configs log and their delivery rates drift."""

import random
import threading

from apps.simulator.store import Store


class Life:
    def __init__(self, store: Store, seed_random: int | None = None) -> None:
        self.store = store
        self.random = random.Random(seed_random)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> dict:
        """One step of life; returns what happened (for the control endpoint and tests)."""
        from apps.simulator.areas import plugin_configs

        with self.store.transaction():
            return plugin_configs.live_tick(self.store, self.random)

    def start(self, interval: float) -> None:
        self._stop.clear()

        def run() -> None:
            while not self._stop.wait(interval):
                self.tick()

        self._thread = threading.Thread(target=run, name="simulator-life", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
