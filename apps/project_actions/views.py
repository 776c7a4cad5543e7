"""The project's administration page: token resets and rotations (typed confirmation, new token shown once),
the secret-token backup, the conversations token, product onboarding and the demo-data state; Admins only."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from apps.connections.request import PortalRequest
from apps.core.htmx import wants_fragment
from apps.core.http import htmx_redirect
from apps.core.outcome import Outcome, attempt
from apps.core.pages import form_write, posthog_page
from apps.core.parallel import together
from apps.core.reveal import secret_shown_once
from apps.core.roles import ADMINISTER
from apps.posthog.errors import EndpointNotFound, MissingScope, PersonalKeyRefused, PostHogError
from apps.project_actions import selectors, services
from apps.project_actions.actions import TOKEN_ACTIONS, TokenAction
from apps.project_actions.forms import PRODUCTS, OnboardingForm, ProjectNameConfirmForm
from apps.project_actions.presenters import ActionCard, action_card, onboarded_labels
from apps.project_actions.selectors import ProjectAdmin

TEMPLATE = "project_actions/index.html"


@never_cache
@require_GET
@posthog_page(ADMINISTER)
def index(request: PortalRequest) -> HttpResponse:
    # The demo-data state does not depend on the project's answer: both are asked at once.
    reads: dict[str, Callable[[], Any]] = {"project": lambda: selectors.project_admin_get(context=request.posthog)}
    if not request.posthog.unavailable.project_demo_data:
        reads["generating"] = lambda: selectors.demo_data_generating_get(context=request.posthog)
    found = together(**reads)
    return _page(request, found.value("project"), generating=found.outcomes.get("generating"))


@never_cache
@require_POST
@posthog_page(ADMINISTER)
def token_action(request: PortalRequest, action: str) -> HttpResponse:
    token = TOKEN_ACTIONS[action]  # the URLs name only these
    project = selectors.project_admin_get(context=request.posthog)
    form = ProjectNameConfirmForm(request.POST, prefix=token.name, expected=project.name)
    error = None
    if form.is_valid():
        try:
            secret = services.project_token_action_run(context=request.posthog, action=token)
        except (PersonalKeyRefused, EndpointNotFound, MissingScope) as refused:
            error = refused  # learned now: the card says so from here on, without a form
        else:
            return _token_done(request, token, project, secret)
    card = _card(request, token, project, form=form, error=error)
    if wants_fragment(request):
        return render(request, f"{TEMPLATE}#token-card", {"card": card})
    return _page(request, project, bound=card)


@never_cache
@require_POST
@posthog_page(ADMINISTER)
def onboarding_complete(request: PortalRequest) -> HttpResponse:
    form = OnboardingForm(request.POST, prefix="onboarding")
    if form.is_valid():
        product_type = form.cleaned_data["product_type"]
        # PostHog's only complaints are about the product (`{"error": ...}`, no field named).
        form_write(
            form,
            lambda: services.project_onboarding_complete(context=request.posthog, product_type=product_type),
            unnamed_on="product_type",
        )
        if not form.errors:
            messages.success(request, f"Marked onboarding of {dict(PRODUCTS)[product_type]} as completed.")
            return htmx_redirect(request, "project_actions:index")
    project = selectors.project_admin_get(context=request.posthog)
    if wants_fragment(request):
        context = {"onboarding_form": form, "completed_products": onboarded_labels(project)}
        return render(request, f"{TEMPLATE}#onboarding", context)
    return _page(request, project, onboarding=form)


@never_cache
@require_GET
@posthog_page(ADMINISTER)
def demo_data(request: PortalRequest) -> HttpResponse:
    """The demo-data state alone, polled while PostHog is generating."""
    return render(request, f"{TEMPLATE}#demo-data", _demo_data(request))


def _card(
    request: PortalRequest,
    action: TokenAction,
    project: ProjectAdmin,
    *,
    form: ProjectNameConfirmForm | None = None,
    error: PostHogError | None = None,
) -> ActionCard:
    refusal = request.posthog.unavailable.get(action.capability)
    return action_card(action, project, refusal=refusal, form=form, error=error)


def _page(
    request: PortalRequest,
    project: ProjectAdmin,
    *,
    bound: ActionCard | None = None,
    onboarding: OnboardingForm | None = None,
    generating: Outcome[bool] | None = None,
) -> HttpResponse:
    cards = [
        bound if bound and bound.action is action else _card(request, action, project)
        for action in TOKEN_ACTIONS.values()
    ]
    context = {
        "project": project,
        "project_name": project.name,
        "cards": cards,
        "onboarding_form": onboarding or OnboardingForm(prefix="onboarding"),
        "completed_products": onboarded_labels(project),
        **_demo_data(request, state=generating),
    }
    return render(request, TEMPLATE, context)


def _demo_data(request: PortalRequest, *, state: Outcome[bool] | None = None) -> dict[str, Any]:
    """The demo-data state (`state` when already read), a part of the page PostHog refuses to personal API keys in
    current versions."""
    refusal = request.posthog.unavailable.project_demo_data
    if refusal:
        return {"generating": False, "demo_refusal": refusal, "demo_error": None}
    if state is None:
        state = attempt(lambda: selectors.demo_data_generating_get(context=request.posthog))
    return {"generating": bool(state.value), "demo_refusal": None, "demo_error": state.error}


def _token_done(request: PortalRequest, token: TokenAction, project: ProjectAdmin, secret: str) -> HttpResponse:
    if not token.reveals:
        messages.success(request, token.done)
        return htmx_redirect(request, "project_actions:index")
    context = {"action": token, "project_name": project.name, "secret": secret}
    url_after = reverse("project_actions:index")
    return secret_shown_once(request, "project_actions/token_revealed.html", context, url_after=url_after)
