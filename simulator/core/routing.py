"""Routes of the simulated API. Areas register handlers with `route`; the app dispatches.

Every route says which API-key scope PostHog's code requires for it (posthog/permissions.py, APIScopePermission):
`"plugin:read"`, or `NO_SCOPE` for an action whose viewset declares none, which PostHog refuses to every scoped
personal API key ("This action does not support personal API key access"). A route may exist in some profiles
only (`available`); elsewhere its path is unknown, as on a PostHog version without it.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from simulator.profiles import Profile

Handler = Callable[..., object]
# Declared by routes whose PostHog action names no scope: scoped personal API keys are refused there.
NO_SCOPE = None
# Declared by routes whose viewset does not use APIScopePermission at all (personal_api_keys/@current): any key.
ANY_KEY = "<any key: no scope check>"


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    pattern: re.Pattern
    handler: Handler
    scope: str | None
    available: Callable[[Profile], bool]


ROUTES: list[Route] = []


def compile_template(template: str) -> re.Pattern:
    # "/api/projects/{project_id}/plugin_configs/{id}/": each {name} is one path segment;
    # the trailing slash is optional, as on PostHog.
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template.rstrip("/"))
    return re.compile(f"^{regex}/?$")


def route(
    method: str, template: str, *, scope: str | None, available: Callable[[Profile], bool] | None = None
) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ROUTES.append(
            Route(method, template, compile_template(template), handler, scope, available or (lambda profile: True))
        )
        return handler

    return register


def update_route(template: str, *, scope: str | None) -> Callable[[Handler], Handler]:
    """Register `update(request, **path, partial=...)` as DRF's UpdateModelMixin serves an object: PATCH for a partial
    update (fields left out keep their values), PUT for a whole one (required fields must be sent)."""

    def register(update: Handler) -> Handler:
        route("PATCH", template, scope=scope)(partial(update, partial=True))
        route("PUT", template, scope=scope)(partial(update, partial=False))
        return update

    return register


def match(method: str, path: str, profile: Profile | None = None) -> tuple[Route | None, dict[str, str], bool]:
    """The route for method and path, its path parameters, and whether the path exists at all (in `profile`)."""
    path_known = False
    for candidate in ROUTES:
        if profile is not None and not candidate.available(profile):
            continue
        found = candidate.pattern.match(path)
        if found:
            path_known = True
            if candidate.method == method:
                return candidate, found.groupdict(), True
    return None, {}, path_known
