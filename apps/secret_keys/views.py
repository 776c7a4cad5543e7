"""The picked environment's project secret API keys: list, create, edit, roll and delete (several at once after one
confirmation, apps/core/bulk.py); Admins only."""

from collections.abc import Sequence

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.connections.request import PortalRequest
from apps.core.bulk import Found, Place, Planned, Report, Words, bulk_plan, bulk_view
from apps.core.forms import NO_CHANGES
from apps.core.htmx import fragment_or_page, render_fragment_or_page, wants_fragment
from apps.core.http import htmx_redirect
from apps.core.pages import form_write, posthog_page
from apps.core.parallel import together
from apps.core.reveal import secret_shown_once
from apps.core.roles import ADMINISTER
from apps.secret_keys import selectors, services
from apps.secret_keys.forms import LABEL_TAKEN, SecretKeyForm
from apps.secret_keys.selectors import RevealedKey

FORM = "secret_keys/key_form.html"
BULK_WORDS = Words(
    noun="secret key",
    actions={"delete": ("Revoke", "revoked")},
    button_noun="key",
    danger=True,
    warning="Everything using these keys stops authenticating at once. This cannot be undone.",
)


@never_cache
@require_GET
@posthog_page(ADMINISTER)
def key_list(request: PortalRequest) -> HttpResponse:
    return _list(request, partial=False)


def _list(request: PortalRequest, *, partial: bool = True, bulk: Report | None = None) -> HttpResponse:
    """The page, or (`partial`, for htmx) the list's region alone."""
    # The environment's name comes from the switcher's lists, which need not wait for the keys.
    found = together(
        rows=lambda: selectors.secret_key_list(context=request.posthog),
        environment=lambda: selectors.environment_name_get(context=request.posthog),
    )
    context = {"rows": found.value("rows"), "environment": found.value("environment"), "bulk": bulk}
    if partial:
        return render_fragment_or_page(request, "secret_keys/key_list.html", context, fragment="keys")
    return render(request, "secret_keys/key_list.html", context)


@never_cache
@require_POST
@posthog_page(ADMINISTER)
def key_bulk_delete(request: PortalRequest) -> HttpResponse:
    """Revoke (delete) several keys: the ticked ones are listed by label and mask as PostHog holds them, never by
    value; the confirmation (its one-time token) deletes each through the single delete's service."""
    return bulk_view(
        request,
        words=BULK_WORDS,
        place=Place(back_url=reverse("secret_keys:list"), target="#key-list", swap="outerHTML"),
        plan=lambda _action, ids: _key_plan(request, ids=ids),
        apply=lambda _action, plan: services.secret_key_delete_many(context=request.posthog, plan=plan),
        listed=lambda report: _list(request, bulk=report),
    )


def _key_plan(request: PortalRequest, *, ids: Sequence[str]) -> list[Planned]:
    """Labels and masks from PostHog's list, read now: never the form's, and never a key's value."""
    keys = selectors.secret_key_list(context=request.posthog)
    found = {key.id: Found(name=f"{key.label} ({key.mask_value or 'no mask'})", state="active") for key in keys}
    return bulk_plan(ids=ids, found=found, after="revoked", gone="not found in PostHog: revoked already?")


@never_cache
@require_http_methods(["GET", "POST"])
@posthog_page(ADMINISTER)
def key_create(request: PortalRequest) -> HttpResponse:
    form = SecretKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        payload = form.payload()
        created = form_write(
            form,
            lambda: services.secret_key_create(context=request.posthog, **payload),
            fields=SecretKeyForm.UPSTREAM_FIELDS,
        )
        if created is not None:
            return _revealed(request, created, created_now=True)
    if request.method == "POST" and wants_fragment(request):
        return render(request, f"{FORM}#form", {"form": form})
    context = {"form": form, "environment": selectors.environment_name_get(context=request.posthog)}
    return render(request, FORM, context)


@never_cache
@require_http_methods(["GET", "POST"])
@posthog_page(ADMINISTER)
def key_edit(request: PortalRequest, key_id: str) -> HttpResponse:
    key = selectors.secret_key_get(context=request.posthog, key_id=key_id)
    form = SecretKeyForm(
        request.POST or None, initial={"label": key.label, "scopes": key.scopes}, held_scopes=key.scopes
    )
    if request.method == "POST" and form.is_valid() and not form.payload():
        messages.info(request, NO_CHANGES)
        return htmx_redirect(request, "secret_keys:list")
    if request.method == "POST" and form.is_valid():
        payload = form.payload()
        # PostHog answers renaming a key to another key's label with a server error (it catches the clash on
        # create only), so the edit checks the environment's labels first and says so on the field.
        if "label" in payload and selectors.secret_key_label_taken(context=request.posthog, label=payload["label"]):
            form.add_error("label", LABEL_TAKEN)
        else:
            form_write(
                form,
                lambda: services.secret_key_update(context=request.posthog, key_id=key_id, data=payload),
                fields=SecretKeyForm.UPSTREAM_FIELDS,
            )
        if not form.errors:
            messages.success(request, f"Saved the secret key “{form.cleaned_data['label']}”.")
            return htmx_redirect(request, "secret_keys:list")
    template = fragment_or_page(request, FORM, "form") if request.method == "POST" else FORM
    return render(request, template, {"form": form, "key": key})


@never_cache
@require_http_methods(["GET", "POST"])
@posthog_page(ADMINISTER)
def key_roll(request: PortalRequest, key_id: str) -> HttpResponse:
    """GET asks for confirmation and says what breaks; POST rolls and shows the new value once."""
    if request.method == "POST":
        return _revealed(request, services.secret_key_roll(context=request.posthog, key_id=key_id), created_now=False)
    key = selectors.secret_key_get(context=request.posthog, key_id=key_id)
    return render(request, "secret_keys/key_roll.html", {"key": key})


@require_POST
@posthog_page(ADMINISTER)
def key_delete(request: PortalRequest, key_id: str) -> HttpResponse:
    key = selectors.secret_key_get(context=request.posthog, key_id=key_id)
    services.secret_key_delete(context=request.posthog, key_id=key_id)
    messages.success(request, f"Deleted the secret key “{key.label}”: it no longer authenticates anything.")
    return htmx_redirect(request, "secret_keys:list")


def _revealed(request: PortalRequest, revealed: RevealedKey, *, created_now: bool) -> HttpResponse:
    context = {"key": revealed.key, "value": revealed.value, "created": created_now}
    return secret_shown_once(request, "secret_keys/key_revealed.html", context, url_after=reverse("secret_keys:list"))
