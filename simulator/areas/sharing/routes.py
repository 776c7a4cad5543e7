"""Sharing of insights and session recordings: posthog/api/sharing.py SharingConfigurationViewSet, nested under
`insights/{id}/sharing` (project and environment prefix) and `session_recordings/{id}/sharing` (environments).

One configuration per resource, stored only once something changes it; PATCH changes enabled, settings and
password_required; passwords can only be added once a password is required (that error answers `{"error": ...}`),
the raw password is answered once, on creation; refresh issues a new configuration (new token and created_at).
PostHog logs activity for insights only, and only for PATCH and refresh.
"""

import secrets

from simulator.areas.sharing import state, validation
from simulator.areas.sharing.views import config_view, new_password_view
from simulator.core import context
from simulator.core.http import ApiError, Request, Response
from simulator.core.routing import route

INSIGHT_PREFIXES = (
    "/api/projects/{project_id}/insights/{insight_id}/sharing",
    "/api/environments/{environment_id}/insights/{insight_id}/sharing",
)
RECORDING_PREFIX = "/api/environments/{environment_id}/session_recordings/{recording_id}/sharing"


def sharing_routes(method: str, suffix: str, *, scope: str):
    """Register one handler for insights (project and environment prefix) and recordings."""

    def register(handler):
        for prefix in (*INSIGHT_PREFIXES, RECORDING_PREFIX):
            route(method, prefix + suffix, scope=scope)(handler)
        return handler

    return register


def resource(
    request: Request,
    *,
    project_id: str | None = None,
    environment_id: str | None = None,
    insight_id: str | None = None,
    recording_id: str | None = None,
) -> state.Shared:
    """The shared object named by whichever of the sharing paths matched (get_serializer_context)."""
    if environment_id is not None:
        environment = context.environment(request, environment_id)
        team_id, project = environment["id"], environment["project_id"]
    else:
        project_doc = context.project(request, project_id)
        team_id, project = project_doc["id"], project_doc["id"]
    if recording_id is not None:
        return state.recording_shared(request.store, team_id, recording_id)
    # Insight.objects.get(id=insight_id, team__project_id=...): any environment of the project.
    insight = request.store.get(state.INSIGHT, insight_id) if insight_id.isdigit() else None
    if insight is None or insight["team_id"] not in state.project_team_ids(request.store, project):
        raise ApiError(404, "Insight not found.", code="not_found")
    return state.insight_shared(team_id, insight)


def record(request: Request, shared: state.Shared, activity: str, changes: list[dict] | None = None) -> None:
    if not shared.is_insight:  # `if context.get("insight"): log_activity(...)`
        return
    context.record_activity(
        request,
        scope="Insight",
        parent=shared.team_id,
        item_id=shared.item_id,
        activity=activity,
        name=str(shared.name) if shared.name else None,
        changes=changes,
        short_id=shared.short_id,
    )


@sharing_routes("GET", "/", scope="sharing_configuration:read")
def sharing_get(request: Request, **ids: str):
    return config_view(state.config_of(request.store, resource(request, **ids)))


@sharing_routes("PATCH", "/", scope="sharing_configuration:write")
def sharing_patch(request: Request, **ids: str):
    shared = resource(request, **ids)
    data = request.data()
    config = state.config_of(request.store, shared)
    # The serializer's fields in order: the first invalid one is reported.
    changes = {}
    if "enabled" in data:
        changes["enabled"] = validation.boolean("enabled", data["enabled"])
    if "settings" in data:
        changes["settings"] = validation.settings(data["settings"])
    if "password_required" in data:
        changes["password_required"] = validation.boolean("password_required", data["password_required"])
    config = state.config_save(request.store, shared, {**config, **changes})
    change = {"type": "Insight", "action": "changed", "field": "sharing", "before": None, "after": config["enabled"]}
    record(request, shared, "sharing " + ("enabled" if config["enabled"] else "disabled"), [change])
    return config_view(config)


@sharing_routes("POST", "/refresh/", scope="sharing_configuration:write")
def sharing_refresh(request: Request, **ids: str):
    shared = resource(request, **ids)
    config = state.config_rotate(request.store, shared, state.config_of(request.store, shared))
    record(request, shared, "access token refreshed")
    return config_view(config)


@sharing_routes("POST", "/passwords/", scope="sharing_configuration:write")
def sharing_password_create(request: Request, **ids: str):
    shared = resource(request, **ids)
    config = state.config_of(request.store, shared)
    if not config["password_required"]:
        return Response(400, {"error": "Password protection must be enabled before creating passwords"})
    raw, note = validation.password_body(request.data())
    raw = raw or secrets.token_urlsafe(16)  # SharePassword.create_password generates one
    email = context.acting_user(request)["email"]
    password = state.password_add(request.store, config, raw=raw, note=note, email=email)
    state.config_save(request.store, shared, config)
    return Response(201, new_password_view(password, raw))


@sharing_routes("DELETE", "/passwords/{password_id}/", scope="sharing_configuration:write")
def sharing_password_delete(request: Request, password_id: str, **ids: str):
    shared = resource(request, **ids)
    config = state.config_of(request.store, shared)
    for password in config["passwords"]:
        if str(password["id"]) == password_id and password["is_active"]:
            password["is_active"] = False
            state.config_save(request.store, shared, config)
            return
    raise ApiError(404, "Password not found", code="not_found")
