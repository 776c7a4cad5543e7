"""Reads of the connections app, by purpose:

- `scope`: connections, the switcher's projects and environments, the current project, PostHog lists read through
  a `get`;
- `capabilities`: what each connection's key was found to be allowed;
- `watching`: which project environments the history pollers read (`watched_projects_list`), the watch page.
"""

from apps.connections.selectors.capabilities import CapabilitiesPage, CapabilityGroup, CapabilityItem, capabilities_page
from apps.connections.selectors.scope import (
    ScopeOptions,
    connection_list,
    list_page,
    project_get,
    project_list,
    scope_options,
)
from apps.connections.selectors.watching import (
    WatchChoices,
    WatchedTarget,
    WatchRow,
    watch_choice_counts,
    watch_choices,
    watch_project_names,
    watched_projects_list,
)

__all__ = [
    "CapabilitiesPage",
    "CapabilityGroup",
    "CapabilityItem",
    "ScopeOptions",
    "WatchChoices",
    "WatchRow",
    "WatchedTarget",
    "capabilities_page",
    "connection_list",
    "list_page",
    "project_get",
    "project_list",
    "scope_options",
    "watch_choice_counts",
    "watch_choices",
    "watch_project_names",
    "watched_projects_list",
]
