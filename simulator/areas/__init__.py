"""One package per area of PostHog's API, laid out as moto lays out a service:

- `routes.py`: the handlers, registered with `simulator.core.routing.route`, each with the scope PostHog requires;
- `state.py`: what the area keeps in the store, and `State`, the area's part of the public API for tests;
- `validation.py`: request bodies checked and worded as PostHog's serializers word them;
- `seed.py` with `data/*.json`: the demo data;
- `__init__.py`: imports `routes`, and offers `seed(store, world)` and, for living data, `live_tick(store, profile, rng)`.
"""

import importlib
from types import ModuleType

MODULES = [
    "organizations",
    "plugins",
    "plugin_configs",
    "hog_functions",
    "batch_exports",
    "groups",
    "sharing",
    "secret_keys",
    "project_actions",
    "roles",
    "annotations",
    "cohorts",
    "file_system",
    "personal_api_keys",
]


def load_all() -> list[ModuleType]:
    return [importlib.import_module(f"{__name__}.{name}") for name in MODULES]


def state_module(area: str) -> ModuleType | None:
    """The module holding an area's `State`: its `state.py`, or the area module itself while it has none."""
    if area not in MODULES:
        return None
    try:
        return importlib.import_module(f"{__name__}.{area}.state")
    except ModuleNotFoundError:
        return importlib.import_module(f"{__name__}.{area}")
