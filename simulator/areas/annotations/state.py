"""What the annotations area keeps (one `annotation` document per annotation, under its team) and how PostHog
shapes it in answers; `State` is the area's part of the public API for tests and benches."""

from datetime import UTC, datetime

from simulator.areas.roles.people import user_basic
from simulator.core.fields import parse_datetime
from simulator.core.http import validation_error
from simulator.core.seed import DEMO_KEY
from simulator.core.state import AreaState
from simulator.core.store import Store, now_iso

# posthog/models/annotation.py Annotation.Scope and CreationType.
SCOPES = ("dashboard_item", "dashboard", "project", "organization", "recording")
CREATION_TYPES = ("USR", "GIT")
# posthog/api/annotation.py AnnotationsLimitOffsetPagination.default_limit
PAGE_SIZE = 1000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# posthog/api/annotation.py AnnotationSerializer.Meta.fields
FIELDS = (
    "id",
    "content",
    "date_marker",
    "creation_type",
    "dashboard_item",
    "dashboard_id",
    "dashboard_name",
    "insight_short_id",
    "insight_name",
    "insight_derived_name",
    "created_by",
    "created_at",
    "updated_at",
    "deleted",
    "scope",
)
DEFAULTS = {
    "content": None,
    "date_marker": None,
    "creation_type": "USR",
    "dashboard_item": None,
    "dashboard_id": None,
    "deleted": False,
    "scope": "dashboard_item",
}


def annotation_view(annotation: dict) -> dict:
    return {name: annotation.get(name) for name in FIELDS}


def visible(store: Store, team_id: int) -> list[dict]:
    """The project's annotations plus organization-wide ones made in its sibling projects.

    posthog/api/annotation.py `_filter_queryset_by_parents_lookups`:
    `Q(scope=ORGANIZATION, organization_id=team.organization_id) | Q(team=team)`.
    """
    project = store.get("project", team_id)
    mine = store.all("annotation", parent=team_id)
    others = []
    for sibling in store.all("project", parent=project["organization"]) if project else []:
        if sibling["id"] != team_id:
            others += [a for a in store.all("annotation", parent=sibling["id"]) if a.get("scope") == "organization"]
    return mine + others


def newest_first(items: list[dict]) -> list[dict]:
    """posthog/api/annotation.py orders the list by `-date_marker`; PostgreSQL puts NULLs first when descending."""
    return sorted(
        items,
        key=lambda a: (a.get("date_marker") is None, parse_datetime(a.get("date_marker")) or EPOCH, a["id"]),
        reverse=True,
    )


def find(store: Store, team_id: int, annotation_id: str, *, include_deleted: bool) -> dict | None:
    """posthog/api/annotation.py `safely_get_queryset`: deleted annotations are left out of every action but
    `partial_update`, the PATCH that restores them."""
    if not annotation_id.isdigit():
        return None
    found = next((a for a in visible(store, team_id) if a["id"] == int(annotation_id)), None)
    if found is None or (found.get("deleted") and not include_deleted):
        return None
    return found


def link_insight_and_dashboard(store: Store, team_id: int, annotation: dict) -> None:
    """Fill the read-only names from the insight and dashboard, when the simulator knows them."""
    insight = None
    if annotation.get("dashboard_item") is not None:
        insight = store.get("insight", annotation["dashboard_item"], parent=team_id)
        if insight is None:  # DRF's PrimaryKeyRelatedField
            raise validation_error(
                "dashboard_item",
                f'Invalid pk "{annotation["dashboard_item"]}" - object does not exist.',
                "does_not_exist",
            )
    annotation["insight_short_id"] = insight.get("short_id") if insight else None
    annotation["insight_name"] = insight.get("name") if insight else None
    annotation["insight_derived_name"] = insight.get("derived_name") if insight else None
    dashboard = (
        store.get("dashboard", annotation["dashboard_id"], parent=team_id) if annotation.get("dashboard_id") else None
    )
    annotation["dashboard_name"] = dashboard.get("name") if dashboard else None


def insert(store: Store, team_id: int, values: dict, *, created_by: dict, created_at: str | None = None) -> dict:
    now = created_at or now_iso()
    annotation = {
        **DEFAULTS,
        **values,
        "created_by": created_by,
        "created_at": now,
        "updated_at": now,
        "_team": team_id,
    }
    link_insight_and_dashboard(store, team_id, annotation)
    return store.insert("annotation", annotation, parent=team_id)


def changed(store: Store, annotation: dict, values: dict) -> dict:
    after = {**annotation, **values, "updated_at": now_iso()}
    if "dashboard_item" in values or "dashboard_id" in values:
        link_insight_and_dashboard(store, annotation["_team"], after)
    return store.update("annotation", annotation["id"], after)


class State(AreaState):
    """Annotations as a test or bench sees and arranges them."""

    def all(self, project_id: int, *, include_deleted: bool = False) -> list[dict]:
        """What the project's list shows (its own and organization-wide ones), newest marker first."""
        items = [a for a in visible(self._store, int(project_id)) if include_deleted or not a.get("deleted")]
        return [annotation_view(a) for a in newest_first(items)]

    def get(self, id: int) -> dict | None:
        """One annotation as PostHog shapes it, deleted or not; None if there is none."""
        found = self._store.get("annotation", id)
        return annotation_view(found) if found else None

    def add(self, project_id: int, *, content: str, created_by: dict | None = None, **values) -> dict:
        """A new annotation (`date_marker`, `scope`, `deleted`, ... as the API names them), made by `created_by`
        (a UserBasic) or the demo user."""
        with self._store.transaction():
            creator = created_by or user_basic(self._store.get("personal_api_key", DEMO_KEY)["user"])
            made = insert(self._store, int(project_id), {"content": content, **values}, created_by=creator)
        return annotation_view(made)

    def update(self, id: int, **changes) -> dict:
        """Change stored fields as PostHog would keep them (e.g. `deleted=True`, `date_marker=...`)."""
        with self._store.transaction():
            found = self._store.get("annotation", id)
            if found is None:
                raise KeyError(f"no annotation {id}")
            return annotation_view(changed(self._store, found, changes))

    def activity(self, id: int) -> list[dict]:
        """The annotation's activity entries, newest first."""
        found = self._store.get("annotation", id)
        if found is None:
            return []
        return self._store.activity_list(scope="Annotation", parent=found["_team"], item_id=id)
