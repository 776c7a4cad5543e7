"""Demo roles (data/roles.json): members and creators from the demo organization's people."""

import json
import uuid
from pathlib import Path

from simulator.areas.roles.people import people, user_basic
from simulator.areas.roles.state import KIND, membership
from simulator.core.store import Store

ROLES: list[dict] = json.loads((Path(__file__).parent / "data" / "roles.json").read_text())


def seed(store: Store, world) -> None:
    by_id = {person["id"]: person for person in people(world.user)}
    for plan in ROLES:
        role_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"role/{world.organization_id}/{plan['name']}"))
        days_ago = plan["created_days_ago"]
        role = {
            "id": role_id,
            "name": plan["name"],
            "created_at": world.iso(days_ago=days_ago),
            "created_by": user_basic(by_id[plan["created_by"]]),
            "members": [
                membership(role_id, by_id[member], world.iso(days_ago=days_ago - 1 - index))
                for index, member in enumerate(plan["members"])
            ],
            "is_default": plan["is_default"],
        }
        store.insert(KIND, role, parent=world.organization_id, id=role_id)
