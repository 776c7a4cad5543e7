"""Navigation lookups the portal needs: organizations, projects, environments, the key's user."""

from simulator.core import context
from simulator.core.http import Request, paginate
from simulator.core.routing import route

PUBLIC_PROJECT_FIELDS = ("secret_api_token", "secret_api_token_backup")

# Settings every project answer carries where the stored document has no value of its own.
PROJECT_DEFAULTS = {
    "app_urls": [],
    "slack_incoming_webhook": None,
    "anonymize_ips": False,
    "completed_snippet_onboarding": True,
    "ingested_event": True,
    "test_account_filters": [],
    "test_account_filters_default_checked": False,
    "path_cleaning_filters": [],
    "is_demo": False,
    "timezone": "UTC",
    "data_attributes": ["data-attr"],
    "person_display_name_properties": ["email", "name", "username"],
    "correlation_config": {},
    "autocapture_opt_out": False,
    "autocapture_exceptions_opt_in": False,
    "autocapture_web_vitals_opt_in": False,
    "autocapture_web_vitals_allowed_metrics": None,
    "autocapture_exceptions_errors_to_ignore": None,
    "capture_console_log_opt_in": True,
    "capture_performance_opt_in": True,
    "session_recording_opt_in": False,
    "session_recording_sample_rate": None,
    "session_recording_minimum_duration_milliseconds": None,
    "session_recording_linked_flag": None,
    "session_recording_network_payload_capture_config": None,
    "session_recording_masking_config": None,
    "session_replay_config": None,
    "survey_config": None,
    "access_control": False,
    "week_start_day": None,
    "primary_dashboard": None,
    "live_events_columns": None,
    "recording_domains": None,
    "person_on_events_querying_enabled": True,
    "inject_web_apps": False,
    "extra_settings": None,
    "modifiers": None,
    "default_modifiers": {
        "personsOnEventsMode": "person_id_override_properties_on_events",
        "sessionTableVersion": "auto",
        "bounceRatePageViewMode": "count_pageviews",
    },
    "has_completed_onboarding_for": None,
    "surveys_opt_in": None,
    "heatmaps_opt_in": None,
    "product_intents": [],
    "flags_persistence_default": False,
    "secret_api_token": None,
    "secret_api_token_backup": None,
    "receive_org_level_activity_logs": False,
    "business_model": None,
    "conversations_enabled": False,
    "conversations_settings": None,
    "logs_settings": None,
    "live_events_token": None,
    "group_types": [],
    "has_group_types": False,
    "effective_membership_level": 8,
}


def project_view(project: dict) -> dict:
    """The Project shape; secret tokens are masked in reads, as PostHog masks them."""
    view = {**PROJECT_DEFAULTS, **project}
    for name in PUBLIC_PROJECT_FIELDS:
        if view.get(name):
            view[name] = view[name][:8] + "*" * 8
    return view


def organization_view(request: Request, organization: dict) -> dict:
    """The organization with its projects and teams, as PostHog nests them."""
    projects = request.store.all("project", parent=organization["id"])
    teams = [team for project in projects for team in request.store.all("environment", parent=project["id"])]
    return {
        **organization,
        "projects": [{"id": p["id"], "name": p["name"]} for p in projects],
        "teams": [
            {"id": t["id"], "name": t["name"], "project_id": t["project_id"], "api_token": t["api_token"]}
            for t in teams
        ],
    }


@route("GET", "/api/organizations/", scope="organization:read")
def organization_list(request: Request):
    return paginate(request, [organization_view(request, context.organization(request, "@current"))])


@route("GET", "/api/organizations/{organization_id}/", scope="organization:read")
def organization_get(request: Request, organization_id: str):
    return organization_view(request, context.organization(request, organization_id))


@route("GET", "/api/organizations/{organization_id}/projects/", scope="project:read")
def organization_project_list(request: Request, organization_id: str):
    organization = context.organization(request, organization_id)
    return paginate(request, [project_view(p) for p in request.store.all("project", parent=organization["id"])])


@route("GET", "/api/organizations/{organization_id}/projects/{id}/", scope="project:read")
def organization_project_get(request: Request, organization_id: str, id: str):
    context.organization(request, organization_id)
    return project_view(context.project(request, id))


@route("GET", "/api/projects/", scope="project:read")
def project_list(request: Request):
    return paginate(
        request, [project_view(p) for p in request.store.all("project", parent=request.key["organization_id"])]
    )


@route("GET", "/api/projects/{project_id}/", scope="project:read")
def project_get(request: Request, project_id: str):
    return project_view(context.project(request, project_id))


@route("GET", "/api/projects/{project_id}/environments/", scope="project:read")
def environment_list(request: Request, project_id: str):
    project = context.project(request, project_id)
    return paginate(request, [project_view(e) for e in request.store.all("environment", parent=project["id"])])


@route("GET", "/api/environments/{environment_id}/", scope="project:read")
def environment_get(request: Request, environment_id: str):
    return project_view(context.environment(request, environment_id))


@route("GET", "/api/users/@me/", scope="user:read")
def user_me(request: Request):
    return {
        **context.acting_user(request),
        "organization": {"id": request.key["organization_id"]},
        "team": {"id": request.key["current_team_id"]},
    }
