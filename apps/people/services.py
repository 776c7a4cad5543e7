"""Writes about the portal's people: accounts, roles, active or not, passwords and sign-in links, time zones.

Every change is audited (area "people", the person's id as the object) with their name, email, role and whether
they are active, never anything of a password or a link.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser, Group, User
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.audit.services import audit_record_local
from apps.core.roles import roles_ensure
from apps.people.models import Preference, SsoIdentity
from apps.people.selectors import ROLES, admins_active, person_role

type Actor = User | AnonymousUser


class LastAdminError(Exception):
    """The change would leave the portal without an active Admin, so nobody could manage people any more."""

    message = "This is the last active Admin: make someone else an Admin first."


def person_state(*, user: User) -> dict[str, Any]:
    """What the audit trail keeps of a person: no password, no link, no hash."""
    return {
        "username": user.get_username(),
        "email": user.email,
        "role": person_role(user=user),
        "active": user.is_active,
    }


def _audit(actor: Actor, user: User, method: str, description: str, before: Any = None, after: Any = None) -> None:
    audit_record_local(
        actor=actor,
        area="people",
        object_id=str(user.pk),
        method=method,
        description=description,
        before=before,
        after=after,
    )


def _role_groups_set(user: User, role: str | None) -> None:
    """Roles are the three groups of apps/core/roles.py; other groups a person is in stay as they are. No role (a
    single sign-on whose groups map to none) leaves them signed in with nothing to see."""
    roles_ensure()
    user.groups.remove(*Group.objects.filter(name__in=ROLES))
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    if role != "Admin" and (user.is_superuser or user.is_staff):
        # A superuser is an Admin whatever their groups; a lower role takes effect only without it.
        user.is_superuser = user.is_staff = False
        user.save(update_fields=["is_superuser", "is_staff"])


def _admin_kept(user: User) -> None:
    """Refuse a change that takes the Admin role (or the account) from the last active Admin."""
    if admins_active() == [user.pk]:
        raise LastAdminError(LastAdminError.message)


@transaction.atomic
def person_create(*, actor: Actor, username: str, email: str, role: str, password: str = "") -> User:
    """A new person in a role; without a password they sign in first through a link (`sign_in_link_token`)."""
    user = User.objects.create_user(username=username, email=email, password=password or None)
    _role_groups_set(user, role)
    how = "with a password" if password else "to sign in with a link"
    _audit(actor, user, "POST", f"created the person {username!r} as {role} {how}", after=person_state(user=user))
    return user


@transaction.atomic
def person_role_set(*, actor: Actor, user: User, role: str) -> User:
    before = person_state(user=user)
    if before["role"] == "Admin" and role != "Admin" and user.is_active:
        _admin_kept(user)
    _role_groups_set(user, role)
    user = User.objects.prefetch_related("groups").get(pk=user.pk)  # the groups just set, not a cached list
    after = person_state(user=user)
    _audit(actor, user, "PATCH", f"changed the role of {user.get_username()!r} to {role}", before=before, after=after)
    return user


@transaction.atomic
def person_active_set(*, actor: Actor, user: User, active: bool) -> User:
    """Deactivate (they can no longer sign in; sessions they have end) or reactivate; nobody is ever deleted, so
    the audit trail keeps their name."""
    before = person_state(user=user)
    if not active and user.is_active and before["role"] == "Admin":
        _admin_kept(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        sessions_end(user=user)
    verb = "reactivated" if active else "deactivated"
    _audit(actor, user, "PATCH", f"{verb} {user.get_username()!r}", before=before, after=person_state(user=user))
    return user


def sessions_end(*, user: User) -> int:
    """Delete every session signed in as the person (the session engine is the database's), so a browser left open
    is signed out at its next request; how many there were."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


def sign_in_link_token(*, user: User) -> tuple[str, str]:
    """The two parts of a one-time set-password link: the person's id, encoded, and a token Django's
    PasswordResetTokenGenerator makes. The token stops working once the password changes, after a sign-in, or
    after PASSWORD_RESET_TIMEOUT; nothing of it is stored."""
    return urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)


@transaction.atomic
def person_password_reset(*, actor: Actor, user: User) -> tuple[str, str]:
    """The old password stops working at once (and with it every session of the person); a new link sets one."""
    user.set_unusable_password()
    user.save(update_fields=["password"])
    _audit(actor, user, "POST", f"reset the password of {user.get_username()!r}: a new sign-in link was made")
    return sign_in_link_token(user=user)


def sign_in_link_email(*, actor: Actor, user: User, url: str) -> None:
    """Send the link to the person's address through Django's mail backend (the link itself is not audited)."""
    send_mail(
        subject="Your PostHog Ops Portal account",
        message=(
            f"Hello {user.get_username()},\n\nSet your password for the PostHog Ops Portal here (the link works once"
            f" and expires):\n\n{url}\n\nYour user name is {user.get_username()}.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    _audit(actor, user, "POST", f"emailed a sign-in link to {user.get_username()!r} at {user.email}")


@transaction.atomic
def password_set(*, actor: Actor, user: User, password: str, how: str) -> None:
    """A person's own new password: `how` says where (their account page, or a sign-in link)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    _audit(actor, user, "PATCH", f"{user.get_username()!r} set a new password {how}")


@transaction.atomic
def preference_time_zone_set(*, actor: User, time_zone: str) -> Preference:
    preference, _ = Preference.objects.get_or_create(user=actor)
    before = {"time_zone": preference.time_zone}
    preference.time_zone = time_zone
    preference.save(update_fields=["time_zone", "updated_at"])
    _audit(
        actor,
        actor,
        "PATCH",
        f"{actor.get_username()!r} shows times in {time_zone}",
        before=before,
        after={"time_zone": time_zone},
    )
    return preference


@transaction.atomic
def person_sso_create(*, subject: str, username: str, email: str, role: str | None) -> User:
    """A person the company's provider vouched for, signing in for the first time: no portal password."""
    user = User.objects.create_user(username=username, email=email, password=None)
    SsoIdentity.objects.create(user=user, subject=subject)
    _role_groups_set(user, role)
    _audit(
        user,
        user,
        "POST",
        f"{username!r} signed in with single sign-on for the first time, as {role or 'no role'}",
        after=person_state(user=user),
    )
    return user


@transaction.atomic
def person_sso_update(*, user: User, subject: str, email: str, role: str | None) -> User:
    """The provider decides an SSO person's role and address: what it says now replaces what the portal held
    (audited only when something changed)."""
    SsoIdentity.objects.get_or_create(user=user, defaults={"subject": subject})
    before = person_state(user=user)
    if email and email != user.email:
        user.email = email
        user.save(update_fields=["email"])
    if role != before["role"]:
        _role_groups_set(user, role)
    user = User.objects.prefetch_related("groups").get(pk=user.pk)
    after = person_state(user=user)
    if after != before:
        name = user.get_username()
        _audit(user, user, "PATCH", f"single sign-on updated {name!r} as their provider says", before, after)
    return user


def two_factor_device_new(*, user: User) -> TOTPDevice:
    """A fresh, unconfirmed authenticator for the person to scan; an earlier unconfirmed one goes."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def two_factor_confirm(*, user: User, device: TOTPDevice, code: str) -> bool:
    """The first code from the app proves it holds the secret; from then on password sign-in asks for a code."""
    if not device.verify_token(code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _audit(user, user, "POST", f"{user.get_username()!r} turned on two-factor sign-in")
    return True


def two_factor_verify(*, user: User, code: str) -> TOTPDevice | None:
    """The confirmed device that accepts this code (django-otp throttles repeated wrong codes), or None."""
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(code):
            return device
    return None


@transaction.atomic
def two_factor_reset(*, actor: Actor, user: User) -> None:
    """An Admin removes a person's authenticator (a lost phone): they sign in with their password alone until they
    set up a new one."""
    TOTPDevice.objects.filter(user=user).delete()
    _audit(actor, user, "DELETE", f"reset the two-factor sign-in of {user.get_username()!r}")
