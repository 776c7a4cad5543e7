"""The people of the demo organization, shared by the areas that show who created or belongs to something."""

import json
from pathlib import Path

from simulator.core import context
from simulator.core.http import Request

# Teammates of the demo user (id 1, from simulator/core/seed.py); they created and belong to things.
TEAMMATES: list[dict] = json.loads((Path(__file__).parent / "data" / "teammates.json").read_text())


def user_basic(user: dict) -> dict:
    """posthog/api/shared.py UserBasicSerializer."""
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
