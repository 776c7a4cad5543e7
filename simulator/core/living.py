"""Living data: while the simulator runs, plugin configs log and their delivery rates drift.

Each area may offer `live_tick(store, profile, rng)`; a tick runs them all in one store transaction.
"""

import random
import threading

from simulator import areas
from simulator.core.store import Store
from simulator.profiles import Profile


class Life:
    def __init__(self, store: Store, profile: Profile, seed_random: int | None = None) -> None:
        self.store = store
        self.profile = profile
        self.random = random.Random(seed_random)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> dict:
        """One step of life; returns what happened (for the control endpoint and tests)."""
        happened: dict = {}
        with self.store.transaction():
            for module in areas.load_all():
                if hasattr(module, "live_tick"):
                    happened.update(module.live_tick(self.store, self.profile, self.random))
        return happened

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
