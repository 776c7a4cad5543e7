"""Each module registers the routes of one area and may offer `seed(store, world)`."""

import importlib
from types import ModuleType

MODULES = [
    "organizations",
    "plugins",
    "plugin_configs",
    "groups",
    "sharing",
    "secret_keys",
    "project_actions",
    "roles",
    "annotations",
    "cohorts",
    "file_system",
]


def load_all() -> list[ModuleType]:
    return [importlib.import_module(f"{__name__}.{name}") for name in MODULES]
