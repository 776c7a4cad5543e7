"""Roles as the store keeps them (one document per role, its memberships inside) and `State`."""

import uuid

from simulator.areas.roles.people import public, user_basic
from simulator.core.seed import DEMO_KEY, ORGANIZATION_ID
from simulator.core.state import AreaState
from simulator.core.store import Store, now_iso

KIND = "role"


def membership(role_id: str, user: dict, joined_at: str) -> dict:
    """ee/api/rbac/role.py RoleMembershipSerializer, with the OrganizationMemberSerializer inside."""
    member_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"membership/{user['id']}"))
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"role-membership/{role_id}/{user['id']}")),
        "role_id": role_id,
        "organization_member": {
            "id": member_id,
            "user": user_basic(user),
            "level": 8 if user["id"] <= 2 else 1,
            "joined_at": joined_at,
            "updated_at": joined_at,
            "is_2fa_enabled": user["id"] % 2 == 1,
            "has_social_auth": user["id"] % 3 == 0,
            "last_login": joined_at,
        },
        "user": user_basic(user),
        "joined_at": joined_at,
        "updated_at": joined_at,
    }


def role_view(role: dict) -> dict:
    """RoleSerializer: id, name, created_at, created_by (UserBasic), members (memberships), is_default."""
    return public(role)


def roles_of(store: Store, organization_id: str) -> list[dict]:
    return sorted(store.all(KIND, parent=organization_id), key=lambda r: r["created_at"])


def new_role(name: str, created_by: dict) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "name": name,
        "created_at": now_iso(),
        "created_by": created_by,
        "members": [],
        "is_default": False,
    }


class State(AreaState):
    """`server.state.roles`: the demo organization's roles, as the API answers them."""

    def all(self, organization_id: str = ORGANIZATION_ID) -> list[dict]:
        """Every role, oldest first (the list's order)."""
        return [role_view(r) for r in roles_of(self._store, organization_id)]

    def get(self, id: str) -> dict:
        role = self._store.get(KIND, id)
        if role is None:
            raise KeyError(f"no role {id}")
        return role_view(role)

    def activity(self, id: str, organization_id: str = ORGANIZATION_ID) -> list[dict]:
        """The role's "Role" activity entries, newest first."""
        return self._store.activity_list(scope="Role", parent=organization_id, item_id=id)

    def add(self, name: str, *, organization_id: str = ORGANIZATION_ID, created_by: dict | None = None) -> dict:
        """A role with no members (made by the demo keys' user unless `created_by` is given), unchecked: names
        need not be unique here, so a test can arrange what PostHog's own app allows."""
        if created_by is None:
            created_by = self._store.get("personal_api_key", DEMO_KEY)["user"]
        role = new_role(name, user_basic(created_by))
        with self._store.lock:
            self._store.insert(KIND, role, parent=organization_id, id=role["id"])
        return role_view(role)
