"""Demo data: the organizations, projects and environments come from simulator/core/seed.py; this tidies them."""

from simulator.areas.organizations.state import RETIRED_FIELDS
from simulator.core.store import Store


def seed(store: Store, world) -> None:
    # PostHog keeps the conversations widget token in conversations_settings.widget_public_token
    # (posthog/models/team/team.py): drop the top-level field the core seed still writes.
    for kind, documents in (("project", world.projects), ("environment", world.environments)):
        for document in documents:
            stored = store.get(kind, document["id"])
            if stored is None or not any(name in stored for name in RETIRED_FIELDS):
                continue
            for name in RETIRED_FIELDS:
                stored.pop(name, None)
                document.pop(name, None)
            store.update(kind, document["id"], stored)
