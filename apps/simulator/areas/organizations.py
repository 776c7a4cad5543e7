"""Navigation lookups the portal needs: organizations, projects, environments, the key's user."""

from apps.simulator import context
from apps.simulator.http import Request, paginate
from apps.simulator.routing import route

PUBLIC_PROJECT_FIELDS = ("secret_api_token", "secret_api_token_backup")


def project_view(project: dict) -> dict:
    """Secret tokens are masked in reads, as PostHog masks them."""
    view = dict(project)
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
        "teams": [{"id": t["id"], "name": t["name"], "project_id": t["project_id"], "api_token": t["api_token"]}
                  for t in teams],
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
    return paginate(request, [project_view(p) for p in request.store.all("project",
                                                                         parent=request.key["organization_id"])])


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


@route("GET", "/api/users/@me/")
def user_me(request: Request):
    return {**context.acting_user(request), "organization": {"id": request.key["organization_id"]},
            "team": {"id": request.key["current_team_id"]}}
