"""Project actions on the stored project: tokens, onboarding and the demo-data flag, each logged as PostHog logs it
(posthog/models/team/team.py `*_and_save`: scope "Team", item = the team id, secrets masked)."""

import secrets
import string

from simulator.areas.organizations.state import is_generating_demo_data, project_view, save_project
from simulator.core import context
from simulator.core.http import ApiError, Request
from simulator.core.state import AreaState
from simulator.core.store import now_iso
from simulator.profiles import Profile

# _record(request, project_id, project, activity, changes): a project's changes are logged as its team's.
_record = context.ActivityRecorder("Team")

TOKEN_ALPHABET = string.ascii_letters + string.digits


def new_token(prefix: str, length: int = 43) -> str:
    """posthog/models/utils.py generate_random_token_project / _secret: a prefix and 43 base-62 characters."""
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


def load(request: Request, organization_id: str, project_id: str) -> dict:
    organization = context.organization(request, organization_id)
    project = context.project(request, project_id)
    if project["organization"] != organization["id"]:
        raise ApiError(404, "Not found.", code="not_found")
    return project


def save(request: Request, project: dict, updates: dict, changes: list[dict]) -> dict:
    after = save_project(request.store, project, updates)
    if changes:
        _record(request, project["id"], project, "updated", changes)
    return after


def change(field: str, before, after, action: str = "changed") -> dict:
    return {"type": "Team", "action": action, "field": field, "before": before, "after": after}


def complete_onboarding(request: Request, project: dict, product_type: str) -> dict:
    """posthog/api/project.py complete_product_onboarding: the product counts as onboarded, with a product intent."""
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
        [] if before.get(product_type) else [change("has_completed_onboarding_for", before or None, after_onboarding)]
    )
    return save(
        request, project, {"has_completed_onboarding_for": after_onboarding, "product_intents": intents}, changes
    )


def generate_conversations_token(request: Request, project: dict) -> dict:
    """posthog/models/team/team.py generate_conversations_public_token_and_save: a new project-style token in
    conversations_settings.widget_public_token (there is no top-level field), logged masked."""
    settings = dict(project.get("conversations_settings") or {})
    before = settings.get("widget_public_token")
    settings["widget_public_token"] = new_token("phc_")
    logged = change(
        "conversations_settings.widget_public_token",
        mask(before),
        mask(settings["widget_public_token"]),
        "changed" if before else "created",
    )
    return save(request, project, {"conversations_settings": settings}, [logged])


def secret_token_generation_refused(profile: Profile, project: dict) -> bool:
    """posthog/api/integration_config.py validate_secret_token_generation: minting a first secret token is refused
    once the team has project secret API keys (rotating an existing one stays allowed, as do conversations)."""
    if project.get("secret_api_token") or project.get("secret_api_token_backup"):
        return False
    if project.get("conversations_enabled"):
        return False
    return profile.secret_token_deprecation_check


def rotate_secret_token(request: Request, project: dict) -> dict:
    """posthog/models/team/team.py rotate_secret_token_and_save: the old token becomes the backup."""
    old_primary, expired = project.get("secret_api_token"), project.get("secret_api_token_backup")
    new = new_token("phs_")
    before, after_values = {"secret_api_token": mask(old_primary)}, {"secret_api_token": mask(new)}
    if old_primary:
        before["secret_api_token_backup"] = mask(expired)
        after_values["secret_api_token_backup"] = mask(old_primary)
    logged = change("secret_api_token", before, after_values, "changed" if old_primary else "created")
    return save(request, project, {"secret_api_token": new, "secret_api_token_backup": old_primary}, [logged])


class State(AreaState):
    """`server.state.project_actions`: what the project actions did, and PostHog's demo-data flag."""

    def activity(self, project_id: int) -> list[dict]:
        """The project's "Team" activity entries, newest first (tokens masked, as PostHog logs them)."""
        return self._store.activity_list(scope="Team", parent=project_id, item_id=project_id)

    def generating_demo_data(self, project_id: int) -> bool:
        project = self._store.get("project", project_id)
        if project is None:
            raise KeyError(f"no project {project_id}")
        return is_generating_demo_data(project)

    def set_generating_demo_data(self, project_id: int, generating: bool = True) -> None:
        """As if PostHog were (or had finished) generating demo data for the project."""
        project = self._store.get("project", project_id)
        if project is None:
            raise KeyError(f"no project {project_id}")
        with self._store.lock:
            save_project(self._store, project, {"is_generating_demo_data": generating})
