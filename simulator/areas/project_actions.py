"""Project actions: tokens, onboarding and the demo-data flag, answered with the project as PostHog does.

Secret tokens come back masked (organizations.project_view), except the new one right after a rotation,
which PostHog shows once. The production environment shares the project's id and tokens, so it is kept
in step. Changes are logged as PostHog logs them: scope "Team", item = the team id.
"""

import secrets
import string

from simulator.areas.organizations import project_view
from simulator.core import context
from simulator.core.http import ApiError, Request
from simulator.core.routing import NO_SCOPE, route
from simulator.core.store import now_iso

BASE = "/api/organizations/{organization_id}/projects/{id}"

# PostHog's ProductKey values that onboarding knows about.
PRODUCT_KEYS = (
    "product_analytics",
    "web_analytics",
    "session_replay",
    "feature_flags",
    "experiments",
    "surveys",
    "data_warehouse",
    "error_tracking",
    "llm_analytics",
    "revenue_analytics",
    "logs",
    "workflows",
    "early_access_features",
    "cohorts",
    "dashboards",
    "notebooks",
    "platform_and_support",
    "user_interviews",
    "max",
    "links",
    "messaging",
    "pipeline_destinations",
    "integrations",
)

TOKEN_ALPHABET = string.ascii_letters + string.digits


def _token(prefix: str, length: int = 43) -> str:
    return prefix + "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(length))


def mask(value: str | None) -> str | None:
    """How PostHog masks a secret in activity logs: first and last four characters."""
    if not value:
        return None
    return f"{value[:4]}...{value[-4:]}" if len(value) > 8 else "********"


def project_answer(project: dict, *, reveal_secret: bool = False) -> dict:
    """The Project shape, secrets masked (the fresh secret token shown in full once)."""
    answer = project_view(project)
    if reveal_secret:
        answer["secret_api_token"] = project.get("secret_api_token")
    return answer


def _load(request: Request, organization_id: str, project_id: str) -> dict:
    organization = context.organization(request, organization_id)
    project = context.project(request, project_id)
    if project["organization"] != organization["id"]:
        raise ApiError(404, "Not found.", code="not_found")
    return project


def _save(request: Request, project: dict, updates: dict, changes: list[dict]) -> dict:
    after = {**project, **updates, "updated_at": now_iso()}
    request.store.update("project", project["id"], after)
    environment = request.store.get("environment", project["id"])
    if environment is not None:  # the production environment is the same team
        request.store.update("environment", project["id"], {**environment, **updates})
    if changes:
        context.record_activity(
            request,
            scope="Team",
            parent=project["id"],
            item_id=project["id"],
            activity="updated",
            name=project["name"],
            changes=changes,
        )
    return after


def _change(field: str, before, after, action: str = "changed") -> dict:
    return {"type": "Team", "action": action, "field": field, "before": before, "after": after}


@route("PATCH", BASE + "/complete_product_onboarding/", scope="project:read")
def complete_product_onboarding(request: Request, organization_id: str, id: str):
    project = _load(request, organization_id, id)
    data = request.data()
    product_type = data.get("product_type")
    if not product_type:
        raise ApiError(400, "product_type is required", raw={"error": "product_type is required"})
    if product_type not in PRODUCT_KEYS:
        message = f"invalid product_type, expected one of {list(PRODUCT_KEYS)}"
        raise ApiError(400, message, raw={"error": message})
    before = project.get("has_completed_onboarding_for") or {}
    after_onboarding = {**before, product_type: True}
    intents = list(project.get("product_intents") or [])
    now = now_iso()
    existing = next((i for i in intents if i.get("product_type") == product_type), None)
    if existing:
        existing.update({"updated_at": now, "onboarding_completed_at": existing.get("onboarding_completed_at") or now})
    else:
        intents.append(
            {"product_type": product_type, "created_at": now, "updated_at": now, "onboarding_completed_at": now}
        )
    changes = (
        [] if before.get(product_type) else [_change("has_completed_onboarding_for", before or None, after_onboarding)]
    )
    after = _save(
        request, project, {"has_completed_onboarding_for": after_onboarding, "product_intents": intents}, changes
    )
    return project_answer(after)


@route("PATCH", BASE + "/delete_secret_token_backup/", scope=NO_SCOPE)
def delete_secret_token_backup(request: Request, organization_id: str, id: str):
    project = _load(request, organization_id, id)
    request.data()
    backup = project.get("secret_api_token_backup")
    if not backup:  # nothing to delete: PostHog answers the project unchanged
        return project_answer(project)
    after = _save(
        request,
        project,
        {"secret_api_token_backup": None},
        [_change("secret_api_token_backup", mask(backup), None, "deleted")],
    )
    return project_answer(after)


@route("POST", BASE + "/generate_conversations_public_token/", scope=NO_SCOPE)
def generate_conversations_public_token(request: Request, organization_id: str, id: str):
    project = _load(request, organization_id, id)
    request.data()
    before = project.get("conversations_public_token")
    token = secrets.token_urlsafe(32)
    after = _save(
        request,
        project,
        {"conversations_public_token": token},
        [_change("conversations_public_token", before, token, "changed" if before else "created")],
    )
    return project_answer(after)


@route("GET", BASE + "/is_generating_demo_data/", scope=NO_SCOPE)
def is_generating_demo_data(request: Request, organization_id: str, id: str):
    project = _load(request, organization_id, id)
    return {"is_generating_demo_data": bool(project.get("is_generating_demo_data", False))}


@route("PATCH", BASE + "/reset_token/", scope=NO_SCOPE)
def reset_token(request: Request, organization_id: str, id: str):
    project = _load(request, organization_id, id)
    request.data()
    old, new = project.get("api_token"), _token("phc_")
    after = _save(request, project, {"api_token": new}, [_change("api_token", old, new)])
    return project_answer(after)


@route("PATCH", BASE + "/rotate_secret_token/", scope=NO_SCOPE)
def rotate_secret_token(request: Request, organization_id: str, id: str):
    project = _load(request, organization_id, id)
    request.data()
    old_primary, expired = project.get("secret_api_token"), project.get("secret_api_token_backup")
    new = _token("phs_")
    before, after_values = {"secret_api_token": mask(old_primary)}, {"secret_api_token": mask(new)}
    if old_primary:
        before["secret_api_token_backup"] = mask(expired)
        after_values["secret_api_token_backup"] = mask(old_primary)
    change = _change("secret_api_token", before, after_values, "changed" if old_primary else "created")
    after = _save(request, project, {"secret_api_token": new, "secret_api_token_backup": old_primary}, [change])
    return project_answer(after, reveal_secret=True)
