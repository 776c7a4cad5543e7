"""Passwords of a shared link: made (and shown) once, listed, deleted."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from apps.connections.request import PortalRequest
from apps.core.htmx import fragment_or_page, wants_fragment
from apps.core.http import htmx_redirect
from apps.core.pages import form_write, posthog_page
from apps.core.roles import ADMINISTER, OPERATE
from apps.sharing import services
from apps.sharing.forms import PasswordForm
from apps.sharing.kinds import Kind
from apps.sharing.selectors import NewPassword
from apps.sharing.views.detail import page_context, passwords_context


# Error reports leave out the typed password and every local below this view (the client's request body too).
@sensitive_post_parameters("raw_password")
@sensitive_variables()
@require_POST
@posthog_page(OPERATE)
def password_create(request: PortalRequest, kind: Kind, item_id: str) -> HttpResponse:
    """The answer is the only page that ever shows the password: nothing keeps it, so a reload shows it gone."""
    form = PasswordForm(request.POST)
    created: NewPassword | None = None
    if form.is_valid():
        data = form.cleaned_data
        # "Password protection must be enabled…" names no field: it goes above the form.
        created = form_write(
            form,
            lambda: services.sharing_password_create(context=request.posthog, kind=kind, item_id=item_id, **data),
        )
        if not form.errors:
            note = created.note if created else ""
            messages.success(request, f"Password “{note}” added." if note else "Password added.")
            form = PasswordForm()
    # htmx swaps the passwords card alone, and the protection card's count with it (out of band) so the two agree;
    # without JavaScript the whole page comes back.
    fragment = wants_fragment(request)
    build = passwords_context if fragment else page_context
    template = fragment_or_page(request, "sharing/detail.html", "passwords")
    extra = {"password_form": form, "created": created, "summary_oob": fragment}
    response = render(request, template, build(request, kind, item_id, **extra))
    add_never_cache_headers(response)
    return response


@require_POST
@posthog_page(ADMINISTER)
def password_delete(request: PortalRequest, kind: Kind, item_id: str, password_id: str) -> HttpResponse:
    services.sharing_password_delete(context=request.posthog, kind=kind, item_id=item_id, password_id=password_id)
    messages.success(request, "Password deleted: it no longer opens the link.")
    return htmx_redirect(request, "sharing:detail", kind=kind, item_id=item_id)
