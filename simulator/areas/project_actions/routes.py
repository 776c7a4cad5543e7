"""The project actions, each answered as PostHog's ProjectViewSet answers it (posthog/api/project.py).

Every token action declares no scope in PostHog, so scoped personal API keys meet the scope wall there;
complete_product_onboarding requires project:read.
"""

from simulator.areas.organizations.state import is_generating_demo_data as generating
from simulator.areas.project_actions import state, validation
from simulator.core.http import Request
from simulator.core.routing import NO_SCOPE, route

BASE = "/api/organizations/{organization_id}/projects/{id}"


@route("PATCH", BASE + "/complete_product_onboarding/", scope="project:read")
def complete_product_onboarding(request: Request, organization_id: str, id: str):
    project = state.load(request, organization_id, id)
    product_type = validation.product_type(request.data())
    return state.project_answer(state.complete_onboarding(request, project, product_type))


@route("PATCH", BASE + "/delete_secret_token_backup/", scope=NO_SCOPE)
def delete_secret_token_backup(request: Request, organization_id: str, id: str):
    project = state.load(request, organization_id, id)
    request.data()
    backup = project.get("secret_api_token_backup")
    if not backup:  # posthog/models/team/team.py: nothing to delete, the project unchanged
        return state.project_answer(project)
    after = state.save(
        request,
        project,
        {"secret_api_token_backup": None},
        [state.change("secret_api_token_backup", state.mask(backup), None, "deleted")],
    )
    return state.project_answer(after)


@route("POST", BASE + "/generate_conversations_public_token/", scope=NO_SCOPE)
def generate_conversations_public_token(request: Request, organization_id: str, id: str):
    project = state.load(request, organization_id, id)
    request.data()
    return state.project_answer(state.generate_conversations_token(request, project))


@route("GET", BASE + "/is_generating_demo_data/", scope=NO_SCOPE)
def is_generating_demo_data(request: Request, organization_id: str, id: str):
    # posthog/api/project.py: the cache key `is_generating_demo_data_{team.id}`, answered on its own.
    return {"is_generating_demo_data": generating(state.load(request, organization_id, id))}


@route("PATCH", BASE + "/reset_token/", scope=NO_SCOPE)
def reset_token(request: Request, organization_id: str, id: str):
    project = state.load(request, organization_id, id)
    request.data()
    old, new = project.get("api_token"), state.new_token("phc_")
    after = state.save(request, project, {"api_token": new}, [state.change("api_token", old, new)])
    return state.project_answer(after)


@route("PATCH", BASE + "/rotate_secret_token/", scope=NO_SCOPE)
def rotate_secret_token(request: Request, organization_id: str, id: str):
    project = state.load(request, organization_id, id)
    request.data()
    if state.secret_token_generation_refused(request.profile, project):
        raise validation.secret_token_refused()
    return state.project_answer(state.rotate_secret_token(request, project), reveal_secret=True)
