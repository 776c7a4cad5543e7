"""Every URL pattern of the portal as a concrete URL, for sweeps that must cover each view (RBAC, CSRF, payloads,
secrets, form fuzzing).

    ids = seed_ids(simulator=simulator, connection=demo_connection, person=viewer)
    for case in url_cases(ids=ids):
        case.name     # "secret_keys:roll" (namespaced URL name)
        case.url      # "/secret-keys/phs_key_1/roll/"
        case.methods  # frozenset({"POST"}), read from the view's require_GET / require_POST / require_http_methods
        case.permission  # "core.administer", read from its posthog_page / permission_required; None when it has none

Path parameters are filled from `ids`, keyed "namespace:parameter" first, then "parameter": a pattern whose
parameter has no id raises KeyError, so a new view with a new kind of parameter fails the sweeps until it is
given one instead of going unswept. `seed_ids` takes the ids from the simulator's seed (its state API) and the
portal's own objects, so a view that forgot its permission would act on something real.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
PERMISSIONS = frozenset({"core.view_portal", "core.operate", "core.administer"})
# A view whose methods no decorator declares answers any method: the sweeps try these.
UNDECLARED_METHODS = frozenset({"GET", "POST"})


@dataclass(frozen=True)
class UrlCase:
    name: str
    url: str
    methods: frozenset[str]  # those its decorators (or, for a class-based view, its handlers) declare
    permission: str | None
    login_required: bool
    view: Callable[..., Any]

    @property
    def writes(self) -> bool:
        return "POST" in self.methods


def url_patterns() -> Iterator[tuple[str, list[str], Callable[..., Any]]]:
    """(namespaced name, its path parameters, view) of every named pattern, includes followed."""
    yield from _walk(get_resolver(), namespace="", parameters=[])


def _walk(resolver: URLResolver, *, namespace: str, parameters: list[str]) -> Iterator:
    for entry in resolver.url_patterns:
        own = list(getattr(entry.pattern, "converters", {}))
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, namespace=inner, parameters=parameters + own)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", parameters + own, entry.callback


def url_cases(*, ids: Mapping[str, Any]) -> list[UrlCase]:
    """Every named URL pattern as a concrete URL with its methods and the permission its view declares."""
    cases = []
    for name, parameters, view in url_patterns():
        namespace = name.rpartition(":")[0]
        kwargs = {}
        for parameter in parameters:
            key = f"{namespace}:{parameter}"
            if key not in ids and parameter not in ids:
                raise KeyError(f"{name}: no id for its parameter {parameter!r}; add {key!r} to the sweep's ids")
            kwargs[parameter] = ids[key] if key in ids else ids[parameter]
        methods, permissions = _declared(view)
        if view_class := getattr(view, "view_class", None):  # a class-based view answers the methods it defines
            methods |= {
                m.upper() for m in view_class.http_method_names if m in ("get", "post") and hasattr(view_class, m)
            }
        cases.append(
            UrlCase(
                name=name,
                url=reverse(name, kwargs=kwargs),
                methods=methods or UNDECLARED_METHODS,
                permission=_strongest(permissions),
                login_required=getattr(view, "login_required", True),
                view=view,
            )
        )
    return cases


def _declared(view: Callable[..., Any]) -> tuple[frozenset[str], set[str]]:
    """The methods (require_* decorators keep their list in a closure) and permissions (permission_required keeps
    its name in a closure of a closure) a view's decorators declare, read by walking wrappers and closures."""
    methods: set[str] = set()
    permissions: set[str] = set()
    seen: set[int] = set()
    stack: list[Any] = [view]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, str):
            if item in PERMISSIONS:
                permissions.add(item)
        elif isinstance(item, list | tuple | frozenset | set):
            if item and all(isinstance(value, str) and value in HTTP_METHODS for value in item):
                methods.update(item)
            else:
                stack.extend(value for value in item if isinstance(value, str))
        elif callable(item):
            for cell in getattr(item, "__closure__", None) or ():
                try:
                    stack.append(cell.cell_contents)
                except ValueError:  # a cell not yet filled
                    pass
            if wrapped := getattr(item, "__wrapped__", None):
                stack.append(wrapped)
    return frozenset(methods), permissions


def _strongest(permissions: set[str]) -> str | None:
    for permission in ("core.administer", "core.operate", "core.view_portal"):
        if permission in permissions:
            return permission
    return None


def seed_ids(*, simulator: Any, connection: Any, person: Any, **more: Any) -> dict[str, Any]:
    """Ids of real objects for every path parameter: the simulator's seeded PostHog objects (project 1) and the
    portal's own (`connection`, `person`); `more` overrides or adds."""
    state = simulator.state
    export = state.batch_exports.all(1)[0]
    runs = state.batch_exports.runs(export["id"])
    group_type = state.groups.group_types(1)[0]
    group = state.groups.groups(1, group_type["group_type_index"])[0]
    config = next(c for c in state.plugin_configs.all(1, deleted=False))
    insight = state.sharing.insights(1)[0]
    secret_key = state.secret_keys.all(1)[0]
    ids: dict[str, Any] = {
        "token": "0123456789abcdef",  # undo tokens: an unknown one is refused politely
        "annotation_id": state.annotations.all(1)[0]["id"],
        "export_id": export["id"],
        "run_id": runs[0]["id"] if runs else "0190ffff-0000-7000-8000-000000000000",
        "cohorts:kind": "static",
        "cohort_id": state.cohorts.all(1)[0]["id"],
        "connections:pk": connection.pk,
        "slug": "plugins",
        "entry_id": state.file_system.all(1)[0]["id"],
        "type_index": group_type["group_type_index"],
        "key": group["group_key"],
        "history:kind": "logs",
        "task_id": 1,
        "config_id": config["id"],
        "function_id": state.hog_functions.all(1)[0]["id"],
        "people:pk": person.pk,
        "uidb64": "MQ",
        "people:token": "set-password-token",
        "plugin_id": config["plugin"],
        "role_id": state.roles.all()[0]["id"],
        "key_id": secret_key["id"],
        "sharing:kind": "insights",
        "item_id": insight["id"],
        "password_id": 1,
        "source": "portal",
        "trail:entry_id": 1,
        # Alerts are the portal's own; the first of each, or an unknown one (refused before it is looked up).
        "pk": 1,
        "channel_pk": 1,
    }
    ids.update(more)
    return ids
