"""The simulator's state as tests and benches may see and arrange it, area by area.

Each area module may define `State(store, profile)` (its reads and arrangements in words a test uses, such as
`plugin_configs.logs_add(...)`); the facade names them after their area, so `server.state.plugin_configs`.
"""

from typing import Any

from simulator import areas
from simulator.core.store import Store
from simulator.profiles import Profile


class AreaState:
    """What every area's `State` starts from: the store it reads and arranges, and the profile its answers follow."""

    def __init__(self, store: Store, profile: Profile) -> None:
        self._store = store
        self._profile = profile


class State:
    def __init__(self, store: Store, profile: Profile) -> None:
        self._store = store
        self._profile = profile
        self._areas: dict[str, Any] = {}

    def __getattr__(self, area: str) -> Any:
        if area.startswith("_"):
            raise AttributeError(area)
        if area not in self._areas:
            module = areas.state_module(area)
            if module is None or not hasattr(module, "State"):
                raise AttributeError(f"the simulator has no state for an area named {area!r}")
            self._areas[area] = module.State(self._store, self._profile)
        return self._areas[area]

    def transaction(self):
        """Arrange several things atomically, as one request would."""
        return self._store.transaction()
