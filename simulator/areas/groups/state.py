"""What the groups area keeps, and `State`, its public API for tests and benches.

- `group_type` docs per project (`parent=<project id>`, id `<project>:<index>`): posthog/models/group_type_mapping.py;
- `group` docs per team (`parent=<team id>`): posthog/models/group/group.py;
- `group_notebook` docs per team: the CRM notebook `find` may create for a group (products/notebooks, a
  ResourceNotebook linking a Notebook to the group);
- `group_property_definition` docs per project (id `<project>:<index>:<name>`): PropertyDefinition rows of
  type GROUP (products/event_definitions/backend/models/property_definition.py), written by ingestion for every
  property a `$groupidentify` sets and by the groups API's create and update_property.
"""

import secrets
import uuid
from datetime import datetime
from typing import Any

from simulator.core.state import AreaState
from simulator.core.store import Store, now_iso

GROUP_TYPE, GROUP, NOTEBOOK, DEFINITION = "group_type", "group", "group_notebook", "group_property_definition"
SHORT_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
DEFINITION_NAMESPACE = uuid.UUID("0190a8f1-3333-7000-8000-000000000000")


def project_of(store: Store, team_id: int) -> int:
    """The project a team (environment) belongs to; a project's main environment shares its id."""
    environment = store.get("environment", team_id)
    return environment["project_id"] if environment else int(team_id)


# Group types ------------------------------------------------------------------------------------


def group_types(store: Store, project_id: int) -> list[dict]:
    return sorted(store.all(GROUP_TYPE, parent=project_id), key=lambda t: t["group_type_index"])


def group_type(store: Store, project_id: int, index: int) -> dict | None:
    return store.get(GROUP_TYPE, f"{project_id}:{index}")


def group_type_insert(
    store: Store,
    project_id: int,
    index: int,
    *,
    group_type: str,
    singular: str | None,
    plural: str | None,
    default_columns: list[str] | None = None,
    created_at: str | None = None,
) -> dict:
    return store.insert(
        GROUP_TYPE,
        {
            "group_type": group_type,
            "group_type_index": index,
            "name_singular": singular,
            "name_plural": plural,
            "detail_dashboard": None,
            "default_columns": default_columns,
            "created_at": created_at or now_iso(),
        },
        parent=project_id,
        id=f"{project_id}:{index}",
    )


# Groups -----------------------------------------------------------------------------------------


def groups(store: Store, team_id: int, index: int | None = None) -> list[dict]:
    found = store.all(GROUP, parent=team_id)
    return found if index is None else [g for g in found if g["group_type_index"] == index]


def find(store: Store, team_id: int, index: int, key: str) -> dict | None:
    return next((g for g in groups(store, team_id, index) if g["group_key"] == key), None)


def group_insert(
    store: Store, team_id: int, index: int, key: str, properties: dict, *, created_at: str | None = None
) -> dict:
    return store.insert(
        GROUP,
        {
            "group_type_index": index,
            "group_key": key,
            "group_properties": properties,
            "created_at": created_at or now_iso(),
        },
        parent=team_id,
    )


def group_save(store: Store, group: dict) -> dict:
    return store.update(GROUP, group["id"], group)


# Notebooks (ee/clickhouse/views/groups.py _create_notebook_for_group) ---------------------------


def notebook_of(store: Store, group: dict) -> dict | None:
    return store.get(NOTEBOOK, group["id"])


def notebook_create(store: Store, team_id: int, group: dict) -> dict:
    name = group["group_properties"].get("name", "")
    return store.insert(
        NOTEBOOK,
        {
            "short_id": "".join(secrets.choice(SHORT_ID_ALPHABET) for _ in range(8)),
            "title": f"{name} Notes" if name else "Notes",
            "team_id": team_id,
            "group_type_index": group["group_type_index"],
            "group_key": group["group_key"],
            "visibility": "internal",
            "created_at": now_iso(),
        },
        parent=team_id,
        id=group["id"],
    )


# Property definitions ---------------------------------------------------------------------------


def api_property_type(value: Any) -> str:
    """ee/clickhouse/views/groups.py detect_group_property_type, for values set through the groups API."""
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int | float):
        return "Numeric"
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return "Boolean"
    return "String"


def ingested_property_type(value: Any) -> str | None:
    """The plugin server's property-definition type detection for `$groupidentify` properties (ingestion):
    numbers, booleans (also the strings true/false), ISO dates and date-times; objects and lists get no type."""
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int | float):
        return "Numeric"
    if isinstance(value, str):
        if value.strip().lower() in ("true", "false"):
            return "Boolean"
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return "String"
        return "DateTime" if len(value) >= 10 else "String"
    return None


def definitions(store: Store, project_id: int, index: int | None = None) -> list[dict]:
    found = store.all(DEFINITION, parent=project_id)
    if index is not None:
        found = [d for d in found if d["group_type_index"] == index]
    return sorted(found, key=lambda d: (d["group_type_index"], d["name"]))


def definition_record(
    store: Store, project_id: int, index: int, name: str, property_type: str | None, *, overwrite: bool
) -> dict:
    """PropertyDefinition.update_or_create (the API, `overwrite`) or get_or_create (ingestion keeps the first type)."""
    doc_id = f"{project_id}:{index}:{name}"
    found = store.get(DEFINITION, doc_id)
    if found is not None:
        if overwrite and found["property_type"] != property_type:
            found.update(property_type=property_type, is_numerical=property_type == "Numeric")
            store.update(DEFINITION, doc_id, found)
        return found
    return store.insert(
        DEFINITION,
        {
            "id": str(uuid.uuid5(DEFINITION_NAMESPACE, doc_id)),
            "name": name,
            "group_type_index": index,
            "property_type": property_type,
            "is_numerical": property_type == "Numeric",
            "tags": [],
        },
        parent=project_id,
        id=doc_id,
    )


def ingest(store: Store, team_id: int, group: dict) -> None:
    """What ingesting a `$groupidentify` for the group leaves behind: a definition per property."""
    project_id = project_of(store, team_id)
    for name, value in group["group_properties"].items():
        definition_record(
            store, project_id, group["group_type_index"], str(name), ingested_property_type(value), overwrite=False
        )


class State(AreaState):
    """The groups area as tests and benches see it. `team_id` is the environment whose groups are meant (a project's
    main environment shares the project's id, so `1` reads project 1's production groups)."""

    def group_types(self, project_id: int) -> list[dict]:
        """The project's group types, by index."""
        return group_types(self._store, project_id)

    def group_type_add(self, project_id: int, index: int, singular: str, plural: str) -> dict:
        """A group type no group has been named for yet (PostHog's API cannot create one; ingestion does)."""
        return group_type_insert(
            self._store, project_id, index, group_type=singular.lower(), singular=singular, plural=plural
        )

    def group_type_delete(self, project_id: int, index: int) -> None:
        """Remove a group type (its groups stay, as after PostHog's group type DELETE)."""
        self._store.delete(GROUP_TYPE, f"{project_id}:{index}")

    def groups(self, team_id: int, index: int) -> list[dict]:
        """Every group of the type in the team, oldest stored first."""
        return groups(self._store, team_id, index)

    def get(self, team_id: int, index: int, key: str) -> dict | None:
        """One group, or None."""
        return find(self._store, team_id, index, key)

    def add(
        self, team_id: int, index: int, key: str, properties: dict | None = None, *, created_at: str | None = None
    ) -> dict:
        """A group as ingestion makes it (with property definitions), no activity logged."""
        with self._store.transaction():
            group = group_insert(self._store, team_id, index, key, dict(properties or {}), created_at=created_at)
            ingest(self._store, team_id, group)
        return group

    def update(self, team_id: int, index: int, key: str, **properties: Any) -> dict:
        """Set properties of a group (as a `$groupidentify` would), no activity logged."""
        with self._store.transaction():
            group = find(self._store, team_id, index, key)
            if group is None:
                raise KeyError(f"no group {key!r} of type {index} in team {team_id}")
            group["group_properties"].update(properties)
            group_save(self._store, group)
            ingest(self._store, team_id, group)
        return group

    def notebooks(self) -> list[dict]:
        """The notebooks `find` created as a side effect, oldest first: {short_id, title, team_id,
        group_type_index, group_key, ...}."""
        return self._store.all(NOTEBOOK)

    def property_definitions(self, project_id: int, index: int) -> list[dict]:
        """The group property definitions of one group type, by name."""
        return definitions(self._store, project_id, index)

    def activity(self, team_id: int, index: int, key: str) -> list[dict]:
        """The activity logged for one group, newest first."""
        group = find(self._store, team_id, index, key)
        return [] if group is None else self._store.activity_list(scope="Group", parent=team_id, item_id=group["id"])
