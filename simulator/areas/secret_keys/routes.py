"""Project secret API keys (posthog/api/project_secret_api_key.py ProjectSecretAPIKeyViewSet)."""

from operator import itemgetter

from simulator.areas.roles.validation import server_error
from simulator.areas.secret_keys import validation
from simulator.areas.secret_keys.state import KIND, generate_value, key_view, new_key, roll, team_keys
from simulator.core import context
from simulator.core.http import Request, Response, not_found, paginate
from simulator.core.routing import route, update_route

BASE = "/api/environments/{environment_id}/project_secret_api_keys/"


def _get(request: Request, environment_id: str, id: str) -> tuple[int, dict]:
    team_id = context.environment(request, environment_id)["id"]
    key = request.store.get(KIND, id, parent=team_id)
    if key is None:
        raise not_found()
    return team_id, key


# _record(request, team_id, key, activity, changes=None): a key is named by its label.
_record = context.ActivityRecorder("ProjectSecretAPIKey", name=itemgetter("label"))


def _changes(request: Request, before: dict, after: dict) -> list[dict]:
    return context.changes_between(
        key_view(before, request.profile), key_view(after, request.profile), kind="ProjectSecretAPIKey"
    )


@route("GET", BASE, scope="project:read")
def secret_key_list(request: Request, environment_id: str):
    # No pagination override (both serializer versions): DRF's LimitOffset page, newest first.
    team_id = context.environment(request, environment_id)["id"]
    return paginate(request, [key_view(k, request.profile) for k in team_keys(request.store, team_id)])


@route("POST", BASE, scope="project:write")
def secret_key_create(request: Request, environment_id: str):
    team_id = context.environment(request, environment_id)["id"]
    data = request.data()
    label = validation.label(data, required=True)
    scopes = validation.scopes(data, request.profile, required=True)
    existing = request.store.all(KIND, parent=team_id)
    if len(existing) >= request.profile.secret_keys_limit:
        raise validation.limit_reached(request.profile)
    if any(other["label"] == label for other in existing):
        raise validation.label_taken(label)
    value = generate_value()
    key = new_key(label, scopes, context.acting_user(request), value=value)
    request.store.insert(KIND, key, parent=team_id, id=key["id"])
    _record(request, team_id, key, "created")
    return Response(201, key_view(key, request.profile, value))


@route("GET", BASE + "{id}/", scope="project:read")
def secret_key_get(request: Request, environment_id: str, id: str):
    return key_view(_get(request, environment_id, id)[1], request.profile)


@update_route(BASE + "{id}/", scope="project:write")
def secret_key_update(request: Request, environment_id: str, id: str, *, partial: bool) -> dict:
    team_id, key = _get(request, environment_id, id)
    data = request.data()
    label = validation.label(data, required=not partial)
    scopes = validation.scopes(data, request.profile, required=not partial)
    after = dict(key)
    if label is not None:
        if any(
            other["label"] == label and other["id"] != key["id"] for other in request.store.all(KIND, parent=team_id)
        ):
            # The serializer catches the `unique_team_label` IntegrityError only in create; an update lets it through,
            # which PostHog answers with a 500.
            raise server_error()
        after["label"] = label
    if scopes is not None:
        after["scopes"] = scopes
    request.store.update(KIND, key["id"], after)
    if changes := _changes(request, key, after):
        _record(request, team_id, after, "updated", changes)
    return key_view(after, request.profile)


@route("DELETE", BASE + "{id}/", scope="project:write")
def secret_key_delete(request: Request, environment_id: str, id: str):
    team_id, key = _get(request, environment_id, id)
    request.store.delete(KIND, key["id"])
    _record(request, team_id, key, "deleted")


# The newest lists `roll` among scope_object_write_actions (project:write); the version with at most 10 keys does
# not, so there a scoped key meets the scope wall. One scope per route: project:write, as today's PostHog.
@route("POST", BASE + "{id}/roll/", scope="project:write")
def secret_key_roll(request: Request, environment_id: str, id: str):
    team_id, key = _get(request, environment_id, id)
    rolled, value = roll(request.store, key)
    _record(request, team_id, rolled, "updated", _changes(request, key, rolled))
    return key_view(rolled, request.profile, value)
