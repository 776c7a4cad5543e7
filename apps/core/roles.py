"""The three roles are Django groups; views check the permissions they grant."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the auth models load only once Django's apps are ready
    from django.contrib.auth.models import AnonymousUser, User

VIEW = "core.view_portal"
OPERATE = "core.operate"
ADMINISTER = "core.administer"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "Viewer": ["view_portal"],
    "Operator": ["view_portal", "operate"],
    "Admin": ["view_portal", "operate", "administer"],
}


def role_of(user: "User | AnonymousUser") -> str | None:
    """The strongest role a user holds, for display."""
    if user.is_superuser or user.has_perm(ADMINISTER):
        return "Admin"
    if user.has_perm(OPERATE):
        return "Operator"
    if user.has_perm(VIEW):
        return "Viewer"
    return None


def roles_ensure() -> None:
    """Make the three groups hold exactly their permissions (after migrate, and after a flush)."""
    from django.contrib.auth.models import Group, Permission

    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(Permission.objects.filter(content_type__app_label="core", codename__in=codenames))
