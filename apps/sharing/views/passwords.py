"""Passwords of a shared link: made (and shown) once, listed, deleted."""

from django.contrib import messages
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from apps.core.http import htmx_redirect
from apps.core.pages import form_error_from_upstream, posthog_page
from apps.core.roles import ADMINISTER, OPERATE
from apps.posthog.errors import ValidationError
from apps.sharing import services
from apps.sharing.forms import PasswordForm
from apps.sharing.kinds import Kind
from apps.sharing.views.detail import page_context, passwords_context


# Error reports leave out the typed password and every local below this view (the client's request body too).
@sensitive_post_parameters("raw_password")
@sensitive_variables()
@require_POST
@posthog_page(OPERATE)
def password_create(request, kind: Kind, item_id: str):
    """The answer is the only page that ever shows the password: nothing keeps it, so a reload shows it gone."""
    form = PasswordForm(request.POST)
    created = None
    if form.is_valid():
        try:
            created = services.sharing_password_create(
                context=request.posthog, kind=kind, item_id=item_id, **form.cleaned_data
            )
        except ValidationError as error:
            # "Password protection must be enabled…" names no field.
            if not form_error_from_upstream(form, error):
                form.add_error(None, error.detail)
        else:
            note = created.get("note") if isinstance(created, dict) else ""
            messages.success(request, f"Password “{note}” added." if note else "Password added.")
            form = PasswordForm()
    build = passwords_context if request.htmx else page_context
    template = "sharing/detail.html#passwords" if request.htmx else "sharing/detail.html"
    response = render(request, template, build(request, kind, item_id, password_form=form, created=created))
    add_never_cache_headers(response)
    return response


@require_POST
@posthog_page(ADMINISTER)
def password_delete(request, kind: Kind, item_id: str, password_id: str):
    services.sharing_password_delete(context=request.posthog, kind=kind, item_id=item_id, password_id=password_id)
    messages.success(request, "Password deleted: it no longer opens the link.")
    return htmx_redirect(request, "sharing:detail", kind=kind, item_id=item_id)
