"""Organization roles (ee/api/rbac/role.py RoleViewSet): list, create, get, rename, delete."""

from simulator.areas.roles import validation
from simulator.areas.roles.people import acting_user_basic
from simulator.areas.roles.state import KIND, new_role, role_view, roles_of
from simulator.core import context
from simulator.core.fields import MISSING
from simulator.core.http import Request, Response, not_found, paginate
from simulator.core.routing import route, update_route

BASE = "/api/organizations/{organization_id}/roles/"


def _queryset(request: Request, organization_id: str) -> tuple[str, list[dict]]:
    """The organization's roles as the viewset's queryset holds them (for the list and every object lookup)."""
    organization = context.organization(request, organization_id)
    roles = roles_of(request.store, organization["id"])
    if request.profile.roles_filter_by_query:
        # ee/api/rbac/role.py (2024-2025): safely_get_queryset filters by every query parameter, `limit` included.
        keep = validation.query_filter(request.query, organization["id"])
        roles = [role for role in roles if keep(role)]
    return organization["id"], roles


def _role(request: Request, organization_id: str, role_id: str) -> tuple[str, dict, list[dict]]:
    organization, roles = _queryset(request, organization_id)
    found = next((role for role in roles if role["id"] == role_id), None)
    if found is None:
        raise not_found()
    return organization, found, roles_of(request.store, organization)


# _record(request, organization_id, role, activity, changes=None)
_record = context.ActivityRecorder("Role")


@route("GET", BASE, scope="organization:read")
def role_list(request: Request, organization_id: str):
    # No pagination override in either version: DRF's LimitOffsetPagination (posthog/settings/web.py).
    return paginate(request, [role_view(r) for r in _queryset(request, organization_id)[1]])


@route("POST", BASE, scope="organization:write")
def role_create(request: Request, organization_id: str):
    # RoleSerializer.create puts the role in the key owner's organization (2024-2025: request.user.organization;
    # newest: the view's). The URL's organization must be the key's own here, so both are the same.
    organization = context.organization(request, organization_id)["id"]
    roles = roles_of(request.store, organization)
    name = validation.name(request.data(), roles, required=True, exclude_id=None)
    role = new_role(name, acting_user_basic(request))
    request.store.insert(KIND, role, parent=organization, id=role["id"])
    _record(request, organization, role, "created")
    return Response(201, role_view(role))


@route("GET", BASE + "{id}/", scope="organization:read")
def role_get(request: Request, organization_id: str, id: str):
    return role_view(_role(request, organization_id, id)[1])


@update_route(BASE + "{id}/", scope="organization:write")
def role_update(request: Request, organization_id: str, id: str, *, partial: bool) -> dict:
    organization, role, roles = _role(request, organization_id, id)
    # ee/api/rbac/role.py validate_name: the newest excludes the role itself; the 2024-2025 code does not, so a
    # PATCH that keeps (or only re-cases) the name is refused as a duplicate.
    exclude = None if request.profile.roles_filter_by_query else role["id"]
    name = validation.name(request.data(), roles, required=not partial, exclude_id=exclude)
    after = dict(role)
    if name is not MISSING:
        after["name"] = name
    request.store.update(KIND, role["id"], after)
    changes = context.changes_between({"name": role["name"]}, {"name": after["name"]}, kind="Role")
    if changes:
        _record(request, organization, after, "updated", changes)
    return role_view(after)


@route("DELETE", BASE + "{id}/", scope="organization:write")
def role_delete(request: Request, organization_id: str, id: str):
    organization, role, _ = _role(request, organization_id, id)
    request.store.delete(KIND, role["id"])
    _record(request, organization, role, "deleted")
