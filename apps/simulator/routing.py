"""Routes of the simulated API. Areas register handlers with `route`; the app dispatches."""

import re
from collections.abc import Callable
from dataclasses import dataclass

Handler = Callable[..., object]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    pattern: re.Pattern
    handler: Handler
    scope: str | None  # "plugin:read"; None where PostHog names no scope


ROUTES: list[Route] = []


def compile_template(template: str) -> re.Pattern:
    # "/api/projects/{project_id}/plugin_configs/{id}/": each {name} is one path segment;
    # the trailing slash is optional, as on PostHog.
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template.rstrip("/"))
    return re.compile(f"^{regex}/?$")


def route(method: str, template: str, *, scope: str | None = None) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ROUTES.append(Route(method, template, compile_template(template), handler, scope))
        return handler

    return register


def match(method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
    """The route for method and path, its path parameters, and whether the path exists at all."""
    path_known = False
    for candidate in ROUTES:
        found = candidate.pattern.match(path)
        if found:
            path_known = True
            if candidate.method == method:
                return candidate, found.groupdict(), True
    return None, {}, path_known
