"""The three roles are Django groups; views check the permissions they grant."""

VIEW = "core.view_portal"
OPERATE = "core.operate"
ADMINISTER = "core.administer"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "Viewer": ["view_portal"],
    "Operator": ["view_portal", "operate"],
    "Admin": ["view_portal", "operate", "administer"],
}
ROLE_NAMES = list(ROLE_PERMISSIONS)


def role_of(user) -> str | None:
    """The strongest role a user holds, for display."""
    if user.is_superuser or user.has_perm(ADMINISTER):
        return "Admin"
    if user.has_perm(OPERATE):
        return "Operator"
    if user.has_perm(VIEW):
        return "Viewer"
    return None
