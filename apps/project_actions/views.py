"""The project's administration page: token resets and rotations (typed confirmation, new token shown once),
the secret-token backup, the conversations token, product onboarding and the demo-data state; Admins only."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from apps.connections.capabilities import Refusal
from apps.connections.selectors import project_get
from apps.core.http import htmx_redirect
from apps.core.outcome import attempt
from apps.core.pages import posthog_page
from apps.core.reveal import secret_shown_once
from apps.core.roles import ADMINISTER
from apps.posthog.errors import EndpointNotFound, MissingScope, PersonalKeyRefused, PostHogError, ValidationError
from apps.project_actions import selectors, services
from apps.project_actions.forms import PRODUCTS, OnboardingForm, ProjectNameConfirmForm

TEMPLATE = "project_actions/index.html"


@dataclass(frozen=True)
class TokenAction:
    name: str  # URL name, form prefix
    capability: str  # its action in apps.posthog.actions: PostHog refuses it to personal API keys
    title: str
    # The project's field the action changes, as dotted paths to try in turn (where versions keep it).
    fields: tuple[str, ...]
    breaks: str
    button: str
    run: Callable[..., dict]
    reveals: bool = True  # PostHog answers the new token, shown once
    button_again: str = ""  # the button when a token exists already, if it differs
    new_title: str = ""  # the page showing the new token
    next_steps: str = ""
    done: str = ""  # the message when nothing is revealed

    @property
    def url_name(self) -> str:
        return f"project_actions:{self.name}"


TOKEN_ACTIONS = {
    action.name: action
    for action in (
        TokenAction(
            name="reset_token",
            capability="project_reset_token",
            title="Project API token",
            fields=("api_token",),
            breaks="Every SDK, snippet and integration using the current project token stops sending events: "
            "PostHog drops what they send until they are given the new token.",
            button="Reset project token",
            run=services.project_token_reset,
            new_title="New project API token",
            next_steps="Put it in every place that sends events: the web snippet, mobile and server SDKs, "
            "reverse proxies and integrations.",
        ),
        TokenAction(
            name="rotate_secret_token",
            capability="project_rotate_secret_token",
            title="Secret token",
            fields=("secret_api_token",),
            breaks="The current secret token becomes the backup and keeps working until the backup is deleted; "
            "an existing backup is replaced and stops working at once.",
            button="Rotate secret token",
            run=services.project_secret_token_rotate,
            new_title="New secret token",
            next_steps="Give it to every server using the old one (local flag evaluation, remote config), "
            "then delete the backup on the project administration page.",
        ),
        TokenAction(
            name="delete_secret_token_backup",
            capability="project_delete_secret_token_backup",
            title="Secret token backup",
            fields=("secret_api_token_backup",),
            breaks="Anything still using the previous secret token stops authenticating at once.",
            button="Delete backup",
            run=services.project_secret_token_backup_delete,
            reveals=False,
            done="Deleted the secret token backup: only the current secret token works now.",
        ),
        TokenAction(
            name="generate_conversations_public_token",
            capability="project_conversations_token",
            title="Conversations public token",
            # posthog/models/team/team.py keeps it in conversations_settings; no top-level field exists.
            fields=("conversations_settings.widget_public_token", "conversations_public_token"),
            breaks="The conversations widget on sites using the current public token stops working until it is "
            "given the new one.",
            button="Generate token",
            button_again="Regenerate token",
            run=services.project_conversations_token_generate,
            new_title="New conversations public token",
            next_steps="Put it in the conversations widget's settings on your sites.",
        ),
    )
}


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


def mask_token(value) -> str:
    """Enough of a token to recognise it, never enough to use it (PostHog's own masks pass through)."""
    if not value:
        return ""
    text = str(value)
    if "*" in text:
        return text
    return f"{text[:4]}…{text[-4:]}" if len(text) > 12 else "••••"


def _project_name(project: dict) -> str:
    return str(project.get("name") or project.get("id") or "")


def token_of(action: TokenAction, answer) -> str:
    """The action's token in a project as PostHog answers it, wherever this version keeps it."""
    for path in action.fields:
        value = answer
        for key in path.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        if value:
            return str(value)
    return ""


def _card(
    request: HttpRequest,
    action: TokenAction,
    project: dict,
    form: ProjectNameConfirmForm | None = None,
    error: PostHogError | None = None,
) -> ActionCard:
    current = token_of(action, project)
    return ActionCard(
        action=action,
        form=form or ProjectNameConfirmForm(prefix=action.name, expected=_project_name(project)),
        current=mask_token(current),
        available=bool(current) or action.reveals,
        refusal=request.posthog.unavailable.get(action.capability),
        error=error,
    )


def _completed_products(project: dict) -> list[str]:
    done = project.get("has_completed_onboarding_for")
    done = done if isinstance(done, dict) else {}
    return [label for key, label in PRODUCTS if done.get(key)]


def _page(
    request: HttpRequest,
    project: dict,
    *,
    bound: ActionCard | None = None,
    onboarding: OnboardingForm | None = None,
) -> HttpResponse:
    cards = [
        bound if bound and bound.action is action else _card(request, action, project)
        for action in TOKEN_ACTIONS.values()
    ]
    context = {
        "project": project,
        "project_name": _project_name(project),
        "cards": cards,
        "onboarding_form": onboarding or OnboardingForm(prefix="onboarding"),
        "completed_products": _completed_products(project),
        **_demo_data(request),
    }
    return render(request, TEMPLATE, context)


def _demo_data(request: HttpRequest) -> dict:
    """The demo-data state, a part of the page PostHog refuses to personal API keys in current versions."""
    refusal = request.posthog.unavailable.project_demo_data
    if refusal:
        return {"generating": False, "demo_refusal": refusal, "demo_error": None}
    state = attempt(lambda: selectors.demo_data_generating(context=request.posthog))
    return {"generating": bool(state.value), "demo_refusal": None, "demo_error": state.error}


@never_cache
@require_GET
@posthog_page(ADMINISTER)
def index(request):
    return _page(request, project_get(context=request.posthog))


@never_cache
@require_POST
@posthog_page(ADMINISTER)
def token_action(request, action: str):
    token = TOKEN_ACTIONS[action]  # the URLs name only these
    project = project_get(context=request.posthog)
    form = ProjectNameConfirmForm(request.POST, prefix=token.name, expected=_project_name(project))
    error = None
    if form.is_valid():
        try:
            answer = token.run(context=request.posthog)
        except (PersonalKeyRefused, EndpointNotFound, MissingScope) as refused:
            error = refused  # learned now: the card says so from here on, without a form
        else:
            return _token_done(request, token, project, answer)
    card = _card(request, token, project, form, error=error)
    if request.htmx:
        return render(request, f"{TEMPLATE}#token-card", {"card": card})
    return _page(request, project, bound=card)


def _token_done(request: HttpRequest, token: TokenAction, project: dict, answer) -> HttpResponse:
    if not token.reveals:
        messages.success(request, token.done)
        return htmx_redirect(request, "project_actions:index")
    context = {"action": token, "project_name": _project_name(project), "secret": token_of(token, answer)}
    url_after = reverse("project_actions:index")
    return secret_shown_once(request, "project_actions/token_revealed.html", context, url_after=url_after)


@never_cache
@require_POST
@posthog_page(ADMINISTER)
def onboarding_complete(request):
    form = OnboardingForm(request.POST, prefix="onboarding")
    if form.is_valid():
        product_type = form.cleaned_data["product_type"]
        try:
            services.project_onboarding_complete(context=request.posthog, product_type=product_type)
        except ValidationError as error:
            # PostHog's only complaints are about the product (`{"error": ...}`, no field named).
            form.add_error("product_type", error.detail)
        else:
            messages.success(request, f"Marked onboarding of {dict(PRODUCTS)[product_type]} as completed.")
            return htmx_redirect(request, "project_actions:index")
    project = project_get(context=request.posthog)
    if request.htmx:
        context = {"onboarding_form": form, "completed_products": _completed_products(project)}
        return render(request, f"{TEMPLATE}#onboarding", context)
    return _page(request, project, onboarding=form)


@never_cache
@require_GET
@posthog_page(ADMINISTER)
def demo_data(request: HttpRequest) -> HttpResponse:
    """The demo-data state alone, polled while PostHog is generating."""
    return render(request, f"{TEMPLATE}#demo-data", _demo_data(request))
