"""Project secret API keys (`phs_…`): per environment, at most 10, labels unique and 40 characters at most.

As PostHog's `ProjectSecretAPIKeyViewSet`: the key's `value` is answered only by create and roll (it is
`null` everywhere else); reads show `mask_value` (`phs_...abcd`). Only a few scopes may be granted.
"""

import random
import secrets
import string
from typing import Any

from simulator.core import context
from simulator.core.http import (
    ApiError,
    Request,
    Response,
    not_found,
    paginate,
    validation_error,
)
from simulator.core.routing import route
from simulator.core.store import now_iso

KIND = "project_secret_api_key"
MAX_KEYS_PER_TEAM = 10
MAX_LABEL_LENGTH = 40
ALLOWED_SCOPES = ("endpoint:read", "feature_flag:read")
# Scope objects PostHog knows, for telling an unknown scope from one a secret key may not hold.
KNOWN_OBJECTS = {
    "action",
    "activity_log",
    "annotation",
    "batch_export",
    "cohort",
    "dashboard",
    "early_access_feature",
    "endpoint",
    "error_tracking",
    "event_definition",
    "experiment",
    "export",
    "feature_flag",
    "group",
    "hog_function",
    "insight",
    "notebook",
    "organization",
    "organization_member",
    "person",
    "plugin",
    "project",
    "property_definition",
    "query",
    "session_recording",
    "sharing_configuration",
    "survey",
    "user",
    "webhook",
}
BASE = "/api/environments/{environment_id}/project_secret_api_keys/"


def generate_value() -> str:
    return "phs_" + secrets.token_urlsafe(35)


def mask(value: str) -> str:
    return f"{value[:4]}...{value[-4:]}"


def key_view(key: dict, value: str | None = None) -> dict:
    return {
        "id": key["id"],
        "label": key["label"],
        "value": value,
        "mask_value": key["mask_value"],
        "created_at": key["created_at"],
        "created_by": key["created_by"],
        "last_used_at": key["last_used_at"],
        "last_rolled_at": key["last_rolled_at"],
        "scopes": key["scopes"] or [],
    }


def _keys(request: Request, team_id: int) -> list[dict]:
    return sorted(request.store.all(KIND, parent=team_id), key=lambda k: k["created_at"], reverse=True)


def _get(request: Request, environment_id: str, id: str) -> tuple[int, dict]:
    team_id = context.environment(request, environment_id)["id"]
    key = request.store.get(KIND, id, parent=team_id)
    if key is None:
        raise not_found()
    return team_id, key


def _label(data: dict, *, required: bool) -> str | None:
    if "label" not in data:
        if required:
            raise validation_error("label")
        return None
    label = data["label"]
    if label is None:
        raise validation_error("label", "This field may not be null.", "null")
    if isinstance(label, (bool, dict, list)):
        raise validation_error("label", "Not a valid string.", "invalid")
    label = str(label).strip()  # DRF trims whitespace
    if not label:
        raise validation_error("label", "This field may not be blank.", "blank")
    if len(label) > MAX_LABEL_LENGTH:
        raise validation_error(
            "label", f"Ensure this field has no more than {MAX_LABEL_LENGTH} characters.", "max_length"
        )
    return label


def _scopes(data: dict, *, required: bool) -> list[str] | None:
    if "scopes" not in data:
        if required:
            raise validation_error("scopes")
        return None
    scopes = data["scopes"]
    if scopes is None:
        raise validation_error("scopes", "This field may not be null.", "null")
    if not isinstance(scopes, list):
        raise validation_error(
            "scopes", f'Expected a list of items but got type "{type(scopes).__name__}".', "not_a_list"
        )
    if not scopes:
        raise validation_error("scopes", "This list may not be empty.", "empty")
    for index, scope in enumerate(scopes):
        if scope is None:
            raise validation_error(f"scopes__{index}", "This field may not be null.", "null")
        if isinstance(scope, (bool, dict, list)):
            raise validation_error(f"scopes__{index}", "Not a valid string.", "invalid")
        if str(scope) == "":
            raise validation_error(f"scopes__{index}", "This field may not be blank.", "blank")
    scopes = [str(s) for s in scopes]
    for scope in scopes:
        if scope == "*":
            raise validation_error(
                "scopes",
                "Wildcard scope '*' is not allowed for project API keys. Please specify explicit scopes.",
                "invalid",
            )
        parts = scope.split(":")
        if len(parts) != 2 or parts[0] not in KNOWN_OBJECTS or parts[1] not in ("read", "write"):
            raise validation_error("scopes", f"Invalid scope: {scope}", "invalid")
        if scope not in ALLOWED_SCOPES:
            raise validation_error(
                "scopes",
                f"Scope '{scope}' can not be assigned to a project secret API key. "
                f"Allowed scopes: {', '.join(ALLOWED_SCOPES)}",
                "invalid",
            )
    return scopes


def _label_taken(request: Request, team_id: int, label: str, *, except_id: str | None = None) -> None:
    for other in request.store.all(KIND, parent=team_id):
        if other["label"] == label and other["id"] != except_id:
            raise validation_error("label", f"Project secret API key with label '{label}' already exists.", "unique")


def _record(request: Request, team_id: int, key: dict, activity: str, changes: list[dict] | None = None) -> None:
    context.record_activity(
        request,
        scope="ProjectSecretAPIKey",
        parent=team_id,
        item_id=key["id"],
        activity=activity,
        name=key["label"],
        changes=changes,
    )


@route("GET", BASE, scope="project:read")
def secret_key_list(request: Request, environment_id: str):
    team_id = context.environment(request, environment_id)["id"]
    return paginate(request, [key_view(k) for k in _keys(request, team_id)])


@route("POST", BASE, scope="project:write")
def secret_key_create(request: Request, environment_id: str):
    team_id = context.environment(request, environment_id)["id"]
    data = request.data()
    label = _label(data, required=True)
    scopes = _scopes(data, required=True)
    if len(request.store.all(KIND, parent=team_id)) >= MAX_KEYS_PER_TEAM:
        raise ApiError(
            400,
            f"You can only have {MAX_KEYS_PER_TEAM} project secret API keys. Remove an existing "
            f"key before creating a new one.",
            type="validation_error",
            code="invalid",
        )
    _label_taken(request, team_id, label)
    value = generate_value()
    key_id = secrets.token_urlsafe(24)
    key = request.store.insert(
        KIND,
        {
            "id": key_id,
            "label": label,
            "mask_value": mask(value),
            "created_at": now_iso(),
            "created_by": context.acting_user(request)["id"],
            "last_used_at": None,
            "last_rolled_at": None,
            "scopes": scopes,
        },
        parent=team_id,
        id=key_id,
    )
    _record(request, team_id, key, "created")
    return Response(201, key_view(key, value))


@route("GET", BASE + "{id}/", scope="project:read")
def secret_key_get(request: Request, environment_id: str, id: str):
    return key_view(_get(request, environment_id, id)[1])


def _update(request: Request, environment_id: str, id: str, *, partial: bool) -> dict:
    team_id, key = _get(request, environment_id, id)
    data = request.data()
    label = _label(data, required=not partial)
    scopes = _scopes(data, required=not partial)
    before = key_view(key)
    if label is not None:
        _label_taken(request, team_id, label, except_id=key["id"])
        key["label"] = label
    if scopes is not None:
        key["scopes"] = scopes
    request.store.update(KIND, key["id"], key)
    changes = context.changes_between(before, key_view(key), kind="ProjectSecretAPIKey")
    if changes:
        _record(request, team_id, key, "updated", changes)
    return key_view(key)


@route("PATCH", BASE + "{id}/", scope="project:write")
def secret_key_patch(request: Request, environment_id: str, id: str):
    return _update(request, environment_id, id, partial=True)


@route("PUT", BASE + "{id}/", scope="project:write")
def secret_key_put(request: Request, environment_id: str, id: str):
    return _update(request, environment_id, id, partial=False)


@route("DELETE", BASE + "{id}/", scope="project:write")
def secret_key_delete(request: Request, environment_id: str, id: str):
    team_id, key = _get(request, environment_id, id)
    request.store.delete(KIND, key["id"])
    _record(request, team_id, key, "deleted")


@route("POST", BASE + "{id}/roll/", scope="project:write")
def secret_key_roll(request: Request, environment_id: str, id: str):
    team_id, key = _get(request, environment_id, id)
    before = key_view(key)
    value = generate_value()
    key.update({"mask_value": mask(value), "last_rolled_at": now_iso()})
    request.store.update(KIND, key["id"], key)
    _record(
        request, team_id, key, "updated", context.changes_between(before, key_view(key), kind="ProjectSecretAPIKey")
    )
    return key_view(key, value)


# Demo data --------------------------------------------------------------------------------------

SEED_KEYS: list[tuple[str, list[str], float, Any, Any]] = [
    # label, scopes, created days ago, last used days ago (None: never), last rolled days ago
    ("Edge flag evaluation (prod)", ["feature_flag:read"], 210, 0.01, 45),
    ("Endpoints – data team", ["endpoint:read"], 120, 2.5, None),
    ("CI <smoke> & contract tests", ["feature_flag:read", "endpoint:read"], 64, 0.3, None),
    ("Ünused legacy worker", ["feature_flag:read"], 380, None, None),
]


def _seed_value(rng: random.Random) -> str:
    return "phs_" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(47))


def seed(store, world) -> None:
    for environment in world.environments:
        rng = random.Random(f"secret-keys-{environment['id']}")
        if environment["id"] == world.projects[0]["id"]:
            chosen = SEED_KEYS
        elif environment["name"] == "Production":
            chosen = SEED_KEYS[:3]
        else:
            chosen = SEED_KEYS[2:3]
        for label, scopes, created, used, rolled in chosen:
            key_id = "".join(rng.choice(string.ascii_letters + string.digits + "-_") for _ in range(32))
            store.insert(
                KIND,
                {
                    "id": key_id,
                    "label": label,
                    "mask_value": mask(_seed_value(rng)),
                    "created_at": world.iso(days_ago=created),
                    "created_by": world.user["id"],
                    "last_used_at": world.iso(days_ago=used) if used is not None else None,
                    "last_rolled_at": world.iso(days_ago=rolled) if rolled is not None else None,
                    "scopes": scopes,
                },
                parent=environment["id"],
                id=key_id,
            )
