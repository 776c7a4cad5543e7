"""The Admins' people pages: who can sign in, in which role; new people, roles, deactivation, password and
two-factor resets."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.models import User
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.connections.request import PortalRequest
from apps.core.http import htmx_redirect
from apps.core.reveal import secret_shown_once
from apps.core.roles import ADMINISTER
from apps.people import selectors, services
from apps.people.forms import PersonCreateForm, ResetForm, RoleForm


def _person(pk: int) -> User:
    user = selectors.person_get(pk=pk)
    if user is None:
        raise Http404("No such person.")
    return user


def _detail_context(user: User, **extra: object) -> dict[str, object]:
    row = selectors.person_row(user=user)
    return {
        "person": row,
        "role_form": RoleForm(initial={"role": row.role}),
        "reset_form": ResetForm(),
        "email_enabled": selectors.email_configured(),
        **extra,
    }


def _link_shown(request: PortalRequest, user: User, uid: str, token: str, *, emailed: bool, new: bool) -> HttpResponse:
    """The one-time link, in this answer only (apps.core.reveal): never logged, stored or shown again."""
    url = request.build_absolute_uri(reverse("people:link", args=[uid, token]))
    if emailed:
        services.sign_in_link_email(actor=request.user, user=user, url=url)
    context = {"person": selectors.person_row(user=user), "link": url, "emailed": emailed, "new": new}
    return secret_shown_once(request, "people/link.html", context, url_after=reverse("people:detail", args=[user.pk]))


@require_GET
@permission_required(ADMINISTER, raise_exception=True)
def people_list(request: PortalRequest) -> HttpResponse:
    return render(request, "people/list.html", {"people": selectors.people_list()})


@require_http_methods(["GET", "POST"])
@permission_required(ADMINISTER, raise_exception=True)
def person_create(request: PortalRequest) -> HttpResponse:
    email_enabled = selectors.email_configured()
    form = PersonCreateForm(request.POST or None, email_enabled=email_enabled)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.person_create(
            actor=request.user,
            username=data["username"],
            email=data["email"],
            role=data["role"],
            password=data["password"],
        )
        if form.link_wanted:
            uid, token = services.sign_in_link_token(user=user)
            return _link_shown(request, user, uid, token, emailed=bool(data.get("send_email")), new=True)
        messages.success(request, f"{user.get_username()} can now sign in as {data['role']} with the password set.")
        return htmx_redirect(request, "people:detail", pk=user.pk)
    return render(request, "people/create.html", {"form": form, "email_enabled": email_enabled})


@require_GET
@permission_required(ADMINISTER, raise_exception=True)
def person_detail(request: PortalRequest, pk: int) -> HttpResponse:
    return render(request, "people/detail.html", _detail_context(_person(pk)))


@require_POST
@permission_required(ADMINISTER, raise_exception=True)
def person_role(request: PortalRequest, pk: int) -> HttpResponse:
    user = _person(pk)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.person_role_set(actor=request.user, user=user, role=form.cleaned_data["role"])
        except services.LastAdminError as error:
            form.add_error("role", str(error))
        else:
            messages.success(request, f"{user.get_username()} is now {form.cleaned_data['role']}.")
            return htmx_redirect(request, "people:detail", pk=user.pk)
    return render(request, "people/detail.html", _detail_context(user, role_form=form), status=400)


@require_POST
@permission_required(ADMINISTER, raise_exception=True)
def person_active(request: PortalRequest, pk: int) -> HttpResponse:
    """Deactivate an active person, reactivate an inactive one (the button says which)."""
    user = _person(pk)
    try:
        services.person_active_set(actor=request.user, user=user, active=not user.is_active)
    except services.LastAdminError as error:
        messages.error(request, str(error))
    else:
        verb = "can sign in again" if user.is_active else "can no longer sign in"
        messages.success(request, f"{user.get_username()} {verb}.")
    return htmx_redirect(request, "people:detail", pk=user.pk)


@require_POST
@permission_required(ADMINISTER, raise_exception=True)
def person_reset(request: PortalRequest, pk: int) -> HttpResponse:
    user = _person(pk)
    if user.pk == request.user.pk:
        messages.error(request, "Change your own password under “Your account”.")
        return htmx_redirect(request, "people:detail", pk=user.pk)
    if not user.is_active:
        messages.error(request, f"{user.get_username()} is deactivated: reactivate them first.")
        return htmx_redirect(request, "people:detail", pk=user.pk)
    form = ResetForm(request.POST)
    emailed = form.is_valid() and form.cleaned_data["send_email"] and selectors.email_configured()
    uid, token = services.person_password_reset(actor=request.user, user=user)
    return _link_shown(request, user, uid, token, emailed=bool(emailed and user.email), new=False)


@require_POST
@permission_required(ADMINISTER, raise_exception=True)
def person_two_factor_reset(request: PortalRequest, pk: int) -> HttpResponse:
    user = _person(pk)
    if not selectors.two_factor_on(user=user):
        messages.error(request, f"{user.get_username()} has no two-factor sign-in to reset.")
    else:
        services.two_factor_reset(actor=request.user, user=user)
        messages.success(
            request, f"{user.get_username()} signs in with their password alone until they set up a new authenticator."
        )
    return htmx_redirect(request, "people:detail", pk=user.pk)
