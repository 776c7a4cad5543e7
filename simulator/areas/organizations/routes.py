"""Navigation lookups the portal needs: organizations, projects, environments, the key's user."""

from simulator.areas.organizations.state import organization_view, project_view
from simulator.core import context
from simulator.core.http import ApiError, Request, paginate
from simulator.core.routing import route

# posthog/api/project.py ProjectEnvironmentsViewSet.initial: the newest PostHog refuses the whole route.
ENVIRONMENTS_GONE = (
    "Multiple environments per project are no longer available. Please contact support if you need assistance."
)


@route("GET", "/api/organizations/", scope="organization:read")
def organization_list(request: Request):
    return paginate(request, [organization_view(request.store, context.organization(request, "@current"))])


@route("GET", "/api/organizations/{organization_id}/", scope="organization:read")
def organization_get(request: Request, organization_id: str):
    return organization_view(request.store, context.organization(request, organization_id))


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
    if not request.profile.project_environments_list:
        # posthog/api/project.py ProjectEnvironmentsViewSet.initial raises PermissionDenied before anything else
        # (PostHog answers it even before its permission classes; here the key's scopes are checked first).
        raise ApiError(403, ENVIRONMENTS_GONE, type="authentication_error", code="permission_denied")
    project = context.project(request, project_id)
    return paginate(request, [project_view(e) for e in request.store.all("environment", parent=project["id"])])


@route("GET", "/api/environments/{environment_id}/", scope="project:read")
def environment_get(request: Request, environment_id: str):
    return project_view(context.environment(request, environment_id))


@route("GET", "/api/users/@me/", scope="user:read")
def user_me(request: Request):
    # posthog/api/user.py: scope_object "user", so a key without user:read is refused.
    return {
        **context.acting_user(request),
        "organization": {"id": request.key["organization_id"]},
        "team": {"id": request.key["current_team_id"]},
    }
