"""The picked environment's project secret API keys: list, create, edit, roll and delete; Admins only."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.http import htmx_redirect
from apps.core.pages import form_error_from_upstream, posthog_page
from apps.core.reveal import secret_shown_once
from apps.core.roles import ADMINISTER
from apps.posthog.errors import ValidationError
from apps.secret_keys import selectors, services
from apps.secret_keys.forms import SecretKeyForm


def _form_error(form: SecretKeyForm, error: ValidationError) -> None:
    """On its field when PostHog names one, or (a taken label, which PostHog words without naming a field) when its
    words name the label; PostHog's own words above the form otherwise (its limit of keys)."""
    if form_error_from_upstream(form, error, fields=SecretKeyForm.UPSTREAM_FIELDS):
        return
    if error.attr is None and "label" in (error.detail or "").casefold():
        form.add_error("label", error.detail)
        return
    form.add_error(None, error.user_message)


@never_cache
@require_GET
@posthog_page(ADMINISTER)
def key_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.secret_key_rows(context=request.posthog)
    context = {"rows": rows, "environment": selectors.environment_name(context=request.posthog)}
    return render(request, "secret_keys/key_list.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@posthog_page(ADMINISTER)
def key_create(request):
    form = SecretKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            key = services.secret_key_create(context=request.posthog, **form.payload())
        except ValidationError as error:
            _form_error(form, error)
        else:
            context = {"key": key, "value": key.get("value") or "", "created": True}
            return secret_shown_once(
                request, "secret_keys/key_revealed.html", context, url_after=reverse("secret_keys:list")
            )
    if request.htmx and request.method == "POST":
        return render(request, "secret_keys/key_form.html#form", {"form": form})
    context = {"form": form, "environment": selectors.environment_name(context=request.posthog)}
    return render(request, "secret_keys/key_form.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@posthog_page(ADMINISTER)
def key_edit(request, key_id: str):
    key = selectors.secret_key_get(context=request.posthog, key_id=key_id)
    held = [str(scope) for scope in key.get("scopes") or []]
    form = SecretKeyForm(request.POST or None, initial={"label": key.get("label"), "scopes": held}, held_scopes=held)
    if request.method == "POST" and form.is_valid() and _label_free(request, form, key):
        try:
            services.secret_key_update(context=request.posthog, key_id=key_id, **form.payload())
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"Saved the secret key “{form.cleaned_data['label']}”.")
            return htmx_redirect(request, "secret_keys:list")
    template = (
        "secret_keys/key_form.html#form" if request.htmx and request.method == "POST" else "secret_keys/key_form.html"
    )
    return render(request, template, {"form": form, "key": key})


def _label_free(request: HttpRequest, form: SecretKeyForm, key: dict) -> bool:
    """PostHog answers renaming a key to another key's label with a server error (it catches the clash on create
    only), so the edit checks the environment's labels first and says so on the field."""
    label = form.cleaned_data["label"]
    if label == key.get("label"):
        return True
    taken = {str(other.get("label")) for other in selectors.secret_key_list(context=request.posthog)}
    if label in taken:
        form.add_error("label", "Another secret key of this environment has this label.")
        return False
    return True


@never_cache
@require_http_methods(["GET", "POST"])
@posthog_page(ADMINISTER)
def key_roll(request, key_id: str):
    """GET asks for confirmation and says what breaks; POST rolls and shows the new value once."""
    if request.method == "POST":
        key = services.secret_key_roll(context=request.posthog, key_id=key_id)
        context = {"key": key, "value": key.get("value") or "", "created": False}
        return secret_shown_once(
            request, "secret_keys/key_revealed.html", context, url_after=reverse("secret_keys:list")
        )
    key = selectors.secret_key_get(context=request.posthog, key_id=key_id)
    return render(request, "secret_keys/key_roll.html", {"key": key})


@require_POST
@posthog_page(ADMINISTER)
def key_delete(request, key_id: str):
    key = selectors.secret_key_get(context=request.posthog, key_id=key_id)
    services.secret_key_delete(context=request.posthog, key_id=key_id)
    messages.success(request, f"Deleted the secret key “{key.get('label')}”: it no longer authenticates anything.")
    return htmx_redirect(request, "secret_keys:list")
