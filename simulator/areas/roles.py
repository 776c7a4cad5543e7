"""Organization roles, plus the people and field checks that annotations, cohorts and the file system share.

PostHog answers `members` as a list of role memberships and `is_default` as a boolean (the Nov 2025
OpenAPI copy types both as strings: unannotated serializer methods, fixed in later schemas).
"""

import uuid
from typing import Any

from simulator.core import context
from simulator.core.fields import MISSING, text_field
from simulator.core.http import Request, Response, not_found, paginate, validation_error
from simulator.core.routing import route
from simulator.core.store import now_iso

# People ------------------------------------------------------------------------------------

# Teammates of the demo user (id 1, from seed.py); they created and belong to things.
TEAMMATES: list[dict] = [
    {
        "id": 2,
        "uuid": "0190a8f1-1111-7000-8000-000000000002",
        "distinct_id": "zoe-mueller",
        "first_name": "Zoë",
        "last_name": "Müller",
        "email": "zoe@hedgehog.example",
        "role_at_organization": "engineering",
    },
    {
        "id": 3,
        "uuid": "0190a8f1-1111-7000-8000-000000000003",
        "distinct_id": "jose-nunez",
        "first_name": "José",
        "last_name": "Núñez",
        "email": "jose@hedgehog.example",
        "role_at_organization": "product",
    },
    {
        "id": 4,
        "uuid": "0190a8f1-1111-7000-8000-000000000004",
        "distinct_id": "priya-raman",
        "first_name": "Priya",
        "last_name": "Raman",
        "email": "priya@hedgehog.example",
        "role_at_organization": "data",
    },
    {
        "id": 5,
        "uuid": "0190a8f1-1111-7000-8000-000000000005",
        "distinct_id": "kwame-mensah",
        "first_name": "Kwame",
        "last_name": "Mensah",
        "email": "kwame@hedgehog.example",
        "role_at_organization": "leadership",
    },
    {
        "id": 6,
        "uuid": "0190a8f1-1111-7000-8000-000000000006",
        "distinct_id": "soren-odegard",
        "first_name": "Søren",
        "last_name": "Ødegård",
        "email": "soren@hedgehog.example",
        "role_at_organization": "marketing",
    },
    {
        "id": 7,
        "uuid": "0190a8f1-1111-7000-8000-000000000007",
        "distinct_id": "amelie-oconnor",
        "first_name": "Amélie",
        "last_name": "O'Connor",
        "email": "amelie@hedgehog.example",
        "role_at_organization": "sales",
    },
    {
        "id": 8,
        "uuid": "0190a8f1-1111-7000-8000-000000000008",
        "distinct_id": "tom-rivera",
        "first_name": "Tom",
        "last_name": "Rivera <contractor>",
        "email": "tom.rivera@agency.example",
        "role_at_organization": "other",
    },
]


def user_basic(user: dict) -> dict:
    """PostHog's UserBasic shape."""
    return {
        "id": user["id"],
        "uuid": user["uuid"],
        "distinct_id": user.get("distinct_id"),
        "first_name": user.get("first_name", ""),
        "last_name": user.get("last_name", ""),
        "email": user["email"],
        "is_email_verified": True,
        "hedgehog_config": None,
        "role_at_organization": user.get("role_at_organization"),
    }


def acting_user_basic(request: Request) -> dict:
    return user_basic(context.acting_user(request))


def people(world_user: dict) -> list[dict]:
    """The demo user first, then the teammates."""
    return [{**world_user, "role_at_organization": "engineering"}, *TEAMMATES]


def public(doc: dict) -> dict:
    """A stored document without its simulator-only keys (those start with an underscore)."""
    return {k: v for k, v in doc.items() if not k.startswith("_")}


# Roles -------------------------------------------------------------------------------------


def _membership(role_id: str, user: dict, joined_at: str) -> dict:
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


def _role_view(role: dict) -> dict:
    return public(role)


def _role(request: Request, organization_id: str, role_id: str) -> dict:
    organization = context.organization(request, organization_id)
    found = request.store.get("role", role_id, parent=organization["id"])
    if found is None:
        raise not_found()
    return found


def _validated_name(
    request: Request, data: dict, organization_id: str, *, required: bool, exclude_id: str | None = None
) -> Any:
    name = text_field(data, "name", required=required, max_length=200)
    if name is MISSING:
        return name
    for other in request.store.all("role", parent=organization_id):
        if other["id"] != exclude_id and other["name"].lower() == name.lower():
            raise validation_error("name", "There is already a role with this name.", "unique")
    return name


@route("GET", "/api/organizations/{organization_id}/roles/", scope="organization:read")
def role_list(request: Request, organization_id: str):
    organization = context.organization(request, organization_id)
    roles = sorted(request.store.all("role", parent=organization["id"]), key=lambda r: r["created_at"])
    return paginate(request, [_role_view(r) for r in roles])


@route("POST", "/api/organizations/{organization_id}/roles/", scope="organization:write")
def role_create(request: Request, organization_id: str):
    organization = context.organization(request, organization_id)
    data = request.data()
    name = _validated_name(request, data, organization["id"], required=True)
    role_id = str(uuid.uuid4())
    role = {
        "id": role_id,
        "name": name,
        "created_at": now_iso(),
        "created_by": acting_user_basic(request),
        "members": [],
        "is_default": False,
    }
    request.store.insert("role", role, parent=organization["id"], id=role_id)
    context.record_activity(
        request, scope="Role", parent=organization["id"], item_id=role_id, activity="created", name=name
    )
    return Response(201, _role_view(role))


@route("GET", "/api/organizations/{organization_id}/roles/{id}/", scope="organization:read")
def role_get(request: Request, organization_id: str, id: str):
    return _role_view(_role(request, organization_id, id))


@route("PATCH", "/api/organizations/{organization_id}/roles/{id}/", scope="organization:write")
def role_update(request: Request, organization_id: str, id: str):
    role = _role(request, organization_id, id)
    organization_id = context.organization(request, organization_id)["id"]
    data = request.data()
    name = _validated_name(request, data, organization_id, required=False, exclude_id=role["id"])
    after = dict(role)
    if name is not MISSING:
        after["name"] = name
    request.store.update("role", role["id"], after)
    changes = context.changes_between({"name": role["name"]}, {"name": after["name"]}, kind="Role")
    if changes:
        context.record_activity(
            request,
            scope="Role",
            parent=organization_id,
            item_id=role["id"],
            activity="updated",
            name=after["name"],
            changes=changes,
        )
    return _role_view(after)


@route("DELETE", "/api/organizations/{organization_id}/roles/{id}/", scope="organization:write")
def role_delete(request: Request, organization_id: str, id: str):
    role = _role(request, organization_id, id)
    request.store.delete("role", role["id"])
    context.record_activity(
        request,
        scope="Role",
        parent=context.organization(request, organization_id)["id"],
        item_id=role["id"],
        activity="deleted",
        name=role["name"],
    )


# Demo data ---------------------------------------------------------------------------------


def seed(store, world) -> None:
    everyone = people(world.user)
    by_id = {p["id"]: p for p in everyone}
    plan = [
        ("Engineering", 1, [1, 2, 8], 240, True),
        ("Product & Design", 3, [3, 5], 200, False),
        ("Data <b>Science</b>", 4, [4], 150, False),
        ("Growth – marketing “squad”", 6, [6, 7, 3, 5], 90, False),
        ("Read-only contractors", 1, [], 12, False),
    ]
    for name, creator, members, days_ago, is_default in plan:
        role_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"role/{world.organization_id}/{name}"))
        role = {
            "id": role_id,
            "name": name,
            "created_at": world.iso(days_ago=days_ago),
            "created_by": user_basic(by_id[creator]),
            "members": [
                _membership(role_id, by_id[m], world.iso(days_ago=days_ago - 1 - index))
                for index, m in enumerate(members)
            ],
            "is_default": is_default,
        }
        store.insert("role", role, parent=world.organization_id, id=role_id)
