"""Reads for the project's administration page: the project (from apps.connections.selectors) as the page reads
it, its tokens, and whether PostHog is generating demo data."""

from dataclasses import dataclass
from typing import Any

from apps.connections.context import PostHogContext
from apps.connections.selectors import project_get
from apps.project_actions.actions import TOKEN_ACTIONS, TokenAction
from apps.project_actions.paths import project_path


@dataclass(frozen=True)
class ProjectAdmin:
    """The project as its administration page reads it."""

    id: str
    name: str
    tokens: dict[str, str]  # each token action's token as PostHog answers it (in full, or masked by PostHog)
    onboarded: list[str]  # the products whose onboarding PostHog counts as completed


def project_admin_get(*, context: PostHogContext) -> ProjectAdmin:
    project = project_get(context=context)
    onboarded = project.get("has_completed_onboarding_for")
    return ProjectAdmin(
        id=str(project.get("id") or ""),
        name=str(project.get("name") or project.get("id") or ""),
        tokens={name: token_in(project, action) for name, action in TOKEN_ACTIONS.items()},
        onboarded=[str(key) for key, done in onboarded.items() if done] if isinstance(onboarded, dict) else [],
    )


def demo_data_generating_get(*, context: PostHogContext) -> bool:
    answer = context.client.get(project_path(context, "is_generating_demo_data"))
    return bool(answer.get("is_generating_demo_data")) if isinstance(answer, dict) else False


def token_in(answer: Any, action: TokenAction) -> str:
    """The action's token in a project as PostHog answers it (a read, or a token action's answer), wherever this
    version keeps it."""
    for path in action.fields:
        value = answer
        for key in path.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        if value:
            return str(value)
    return ""
