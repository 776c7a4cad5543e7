"""What every signed-in person does for themself (password, two-factor sign-in, time zone, the top bar's UTC switch),
and the one page that needs no sign-in: setting a password from a one-time link."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from apps.connections.request import PortalRequest
from apps.core.http import htmx_redirect
from apps.people import presenters, selectors, services
from apps.people.forms import PasswordChangeForm, SetPasswordForm, TimeZoneForm, TwoFactorCodeForm
from apps.people.middleware import SESSION_SHOW_UTC, utc_shown

# Where the set-password page keeps the link's token, so it leaves the address bar (and any Referer) at once, as
# Django's own PasswordResetConfirmView does.
SESSION_LINK_TOKEN = "people.link_token"


def _me(request: PortalRequest) -> User:
    assert isinstance(request.user, User)  # LoginRequiredMiddleware: nobody else reaches these views
    return request.user


def _account(
    request: PortalRequest,
    *,
    password_form: PasswordChangeForm | None = None,
    zone_form: TimeZoneForm | None = None,
    two_factor_form: TwoFactorCodeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    me = _me(request)
    pending = selectors.two_factor_pending(user=me)
    context = {
        "password_form": password_form or PasswordChangeForm(user=me),
        "zone_form": zone_form or TimeZoneForm(initial={"time_zone": selectors.preference_time_zone(user=me)}),
        "utc_shown": utc_shown(request),
        "person": selectors.person_row(user=me),
        "sso_provider": settings.OIDC_PROVIDER_NAME,
        "two_factor_offered": selectors.two_factor_offered(user=me),
        "two_factor_form": two_factor_form or TwoFactorCodeForm(),
        "two_factor_qr": presenters.two_factor_qr_svg(device=pending) if pending else None,
        "two_factor_secret": presenters.two_factor_secret(device=pending) if pending else None,
    }
    return render(request, "people/account.html", context, status=status)


@require_GET
def account(request: PortalRequest) -> HttpResponse:
    return _account(request)


@require_POST
def account_password(request: PortalRequest) -> HttpResponse:
    me = _me(request)
    if not me.has_usable_password():
        messages.error(request, f"Your password is kept by {settings.OIDC_PROVIDER_NAME}: change it there.")
        return htmx_redirect(request, "people:account")
    form = PasswordChangeForm(user=me, data=request.POST)
    if not form.is_valid():
        return _account(request, password_form=form, status=400)
    services.password_set(actor=me, user=me, password=form.cleaned_data["new_password1"], how="on their account page")
    update_session_auth_hash(request, me)  # this session stays signed in; the person's other sessions end
    messages.success(request, "Password changed. Your other sessions are signed out.")
    return htmx_redirect(request, "people:account")


@require_POST
def account_time_zone(request: PortalRequest) -> HttpResponse:
    me = _me(request)
    form = TimeZoneForm(request.POST)
    if not form.is_valid():
        return _account(request, zone_form=form, status=400)
    zone = form.cleaned_data["time_zone"]
    services.preference_time_zone_set(actor=me, time_zone=zone)
    request.session.pop(SESSION_SHOW_UTC, None)  # having just chosen a zone, the person wants to see it
    messages.success(request, f"Times are now shown in {zone}.")
    return htmx_redirect(request, "people:account")


@require_POST
def time_zone_switch(request: PortalRequest) -> HttpResponse:
    """The top bar's button: UTC for now, or back to the person's own zone; kept in the session only."""
    request.session[SESSION_SHOW_UTC] = not utc_shown(request)
    return htmx_redirect(request, "home", next_url=request.POST.get("next", ""))


@require_POST
def two_factor_start(request: PortalRequest) -> HttpResponse:
    """A new secret to scan; two-factor sign-in is on only once the app's first code confirms it."""
    me = _me(request)
    if not selectors.two_factor_offered(user=me) or selectors.two_factor_on(user=me):
        messages.error(request, "Two-factor sign-in is for Admins who sign in with a password, once.")
        return htmx_redirect(request, "people:account")
    services.two_factor_device_new(user=me)
    return htmx_redirect(request, "people:account")


@require_POST
def two_factor_confirm(request: PortalRequest) -> HttpResponse:
    me = _me(request)
    device = selectors.two_factor_pending(user=me)
    if device is None:
        messages.error(request, "Start the set-up again: there is no authenticator waiting for its first code.")
        return htmx_redirect(request, "people:account")
    form = TwoFactorCodeForm(request.POST)
    if form.is_valid() and not services.two_factor_confirm(user=me, device=device, code=form.cleaned_data["code"]):
        form.add_error("code", TwoFactorCodeForm.WRONG)
    if not form.is_valid():
        return _account(request, two_factor_form=form, status=400)
    otp_login(request, device)  # this session gave the code; the person's other sessions will be asked for one
    messages.success(request, "Two-factor sign-in is on: signing in with your password now also asks for a code.")
    return htmx_redirect(request, "people:account")


@login_not_required
@require_GET
def link(request: PortalRequest, uidb64: str, token: str) -> HttpResponse:
    """The link itself: a valid token moves into the session and the page goes on without it in its address."""
    if selectors.person_from_link(uidb64=uidb64, token=token) is None:
        return render(request, "people/link_invalid.html", status=404)
    request.session[SESSION_LINK_TOKEN] = token
    return redirect("people:link_set", uidb64=uidb64)


@login_not_required
@require_http_methods(["GET", "POST"])
def link_set(request: PortalRequest, uidb64: str) -> HttpResponse:
    user = selectors.person_from_link(uidb64=uidb64, token=request.session.get(SESSION_LINK_TOKEN, ""))
    if user is None:
        return render(request, "people/link_invalid.html", status=404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_set(actor=user, user=user, password=form.cleaned_data["new_password1"], how="from a link")
        request.session.pop(SESSION_LINK_TOKEN, None)
        messages.success(request, "Your password is set. Sign in with it.")
        return redirect("login")
    return render(request, "people/link_set.html", {"form": form, "person": user})
