"""Lookups shared by every area: organizations, projects, environments, users, activity."""

from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from simulator.core.http import ApiError, Request, not_found
from simulator.core.store import now_iso


def organization(request: Request, organization_id: str) -> dict:
    if organization_id == "@current":
        organization_id = request.key["organization_id"]
    found = request.store.get("organization", organization_id)
    if found is None or found["id"] != request.key["organization_id"]:
        raise not_found()
    return found


def project(request: Request, project_id: str) -> dict:
    """A project of the key's organization; `@current` is the key's current project."""
    return _team(request, "project", project_id)


def environment(request: Request, environment_id: str) -> dict:
    """An environment; environments share ids with teams, and the project is their parent."""
    return _team(request, "environment", environment_id)


def _team(request: Request, kind: str, team_id: str) -> dict:
    if team_id == "@current":
        team_id = str(request.key["current_team_id"])
    found = request.store.get(kind, team_id) if team_id.isdigit() else None
    if found is None or found["organization"] != request.key["organization_id"]:
        raise not_found()
    return found


def team_id(request: Request, *, project_id: str | None = None, environment_id: str | None = None) -> int:
    """The team id that scopes project- or environment-level objects."""
    if environment_id is not None:
        return environment(request, environment_id)["id"]
    return project(request, project_id)["id"]


def acting_user(request: Request) -> dict:
    """PostHog credits API-key changes to the key's owner."""
    return request.key["user"]


def user_basic(request: Request) -> dict:
    user = acting_user(request)
    return {
        "id": user["id"],
        "uuid": user["uuid"],
        "distinct_id": user["distinct_id"],
        "first_name": user["first_name"],
        "last_name": user.get("last_name", ""),
        "email": user["email"],
    }


def activity_entry(
    *,
    user: dict | None,
    activity: str,
    name: str | None = None,
    changes: list[dict] | None = None,
    trigger: dict | None = None,
    short_id: str | None = None,
    created_at: str | None = None,
) -> dict:
    """An activity entry in PostHog's shape; `user` None means the system did it."""
    return {
        "user": {"first_name": user["first_name"], "email": user["email"]} if user else None,
        "unread": False,
        "is_system": user is None,
        "activity": activity,
        "detail": {
            "changes": changes or [],
            "merge": None,
            "trigger": trigger,
            "name": name,
            "short_id": short_id,
            "type": None,
        },
        "created_at": created_at or now_iso(),
    }


def record_activity(
    request: Request,
    *,
    scope: str,
    parent: Any,
    item_id: Any,
    activity: str,
    name: str | None = None,
    changes: list[dict] | None = None,
    trigger: dict | None = None,
    short_id: str | None = None,
) -> dict:
    entry = activity_entry(
        user=acting_user(request), activity=activity, name=name, changes=changes, trigger=trigger, short_id=short_id
    )
    return request.store.activity_add(scope=scope, parent=parent, item_id=item_id, entry=entry)


@dataclass(frozen=True)
class ActivityRecorder:
    """How an area logs activity on its objects, as its viewset calls PostHog's log_activity: under `scope`, by the
    object's `id`, named as `name` reads the object (its `name` field unless told otherwise)."""

    scope: str
    name: Callable[[dict], Any] = itemgetter("name")

    def __call__(
        self, request: Request, parent: Any, item: dict, activity: str, changes: list[dict] | None = None
    ) -> dict:
        return record_activity(
            request,
            scope=self.scope,
            parent=parent,
            item_id=item["id"],
            activity=activity,
            name=self.name(item),
            changes=changes,
        )


def changes_between(before: dict, after: dict, *, kind: str, secret_fields: set[str] = frozenset()) -> list[dict]:
    changed = []
    for field_name in sorted(set(before) | set(after)):
        if field_name in ("updated_at", "last_modified_at") or before.get(field_name) == after.get(field_name):
            continue
        masked = field_name in secret_fields
        changed.append(
            {
                "type": kind,
                "action": "changed",
                "field": field_name,
                "before": "**************" if masked else before.get(field_name),
                "after": "**************" if masked else after.get(field_name),
            }
        )
    return changed


def require(data: dict, *names: str) -> None:
    for name in names:
        if data.get(name) in (None, ""):
            raise ApiError(400, "This field is required.", type="validation_error", code="required", attr=name)
