"""What the project administration page shows: a card per token action (its token masked), the products whose
onboarding is completed."""

from dataclasses import dataclass

from apps.connections.capabilities import Refusal
from apps.posthog.errors import PostHogError
from apps.project_actions.actions import TokenAction
from apps.project_actions.forms import PRODUCTS, ProjectNameConfirmForm
from apps.project_actions.selectors import ProjectAdmin


@dataclass(frozen=True)
class ActionCard:
    action: TokenAction
    form: ProjectNameConfirmForm
    current: str  # the token as the page may show it: masked
    available: bool  # the backup can only be deleted while there is one
    refusal: Refusal | None = None  # PostHog refuses this action to the connection's key
    error: PostHogError | None = None  # the attempt just made failed

    @property
    def button(self) -> str:
        return (self.current and self.action.button_again) or self.action.button


def action_card(
    action: TokenAction,
    project: ProjectAdmin,
    *,
    refusal: Refusal | None,
    form: ProjectNameConfirmForm | None = None,
    error: PostHogError | None = None,
) -> ActionCard:
    current = project.tokens.get(action.name, "")
    return ActionCard(
        action=action,
        form=form or ProjectNameConfirmForm(prefix=action.name, expected=project.name),
        current=mask_token(current),
        available=bool(current) or action.reveals,
        refusal=refusal,
        error=error,
    )


def mask_token(value: str) -> str:
    """Enough of a token to recognise it, never enough to use it (PostHog's own masks pass through)."""
    if not value:
        return ""
    if "*" in value:
        return value
    return f"{value[:4]}…{value[-4:]}" if len(value) > 12 else "••••"


def onboarded_labels(project: ProjectAdmin) -> list[str]:
    """The products whose onboarding is completed, as PostHog's UI names them, in its order."""
    return [label for key, label in PRODUCTS if key in project.onboarded]
