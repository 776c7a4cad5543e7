"""Organizations, projects and environments as the store keeps them, their answers, and `State`.

A project and its production environment are one PostHog team (they share the id and every team setting), so a
change to a team setting is written to both. Project-level fields (the name, the organization) stay the project's.
"""

import json
from pathlib import Path

from simulator.core.seed import ORGANIZATION_ID
from simulator.core.state import AreaState
from simulator.core.store import Store, now_iso
from simulator.profiles import Profile

DATA = Path(__file__).parent / "data"
# Settings every project answer carries where the stored document has no value of its own.
PROJECT_DEFAULTS: dict = json.loads((DATA / "project_defaults.json").read_text())
# Secret tokens are masked in reads, as PostHog masks them.
PUBLIC_PROJECT_FIELDS = ("secret_api_token", "secret_api_token_backup")
# posthog/models/project.py: the Project's own fields; the production environment (the team) keeps its own.
PROJECT_ONLY_FIELDS = frozenset({"id", "uuid", "name", "organization", "product_description", "created_at"})
# posthog/api/team.py is_generating_demo_data reads PostHog's cache (`is_generating_demo_data_{team.id}`), not the
# team: kept beside the project under a private key, so no project answer shows it.
CACHED_FIELDS = frozenset({"is_generating_demo_data"})
# Older simulator state named the conversations widget token at the top level; PostHog keeps it in
# conversations_settings.widget_public_token (posthog/models/team/team.py), so answers never carry it.
RETIRED_FIELDS = ("conversations_public_token",)


def project_view(project: dict) -> dict:
    """The Project shape (posthog/api/project.py ProjectBackwardCompatSerializer); secret tokens masked."""
    view = {k: v for k, v in {**PROJECT_DEFAULTS, **project}.items() if not k.startswith("_")}
    for name in RETIRED_FIELDS:
        view.pop(name, None)
    for name in PUBLIC_PROJECT_FIELDS:
        if view.get(name):
            view[name] = view[name][:8] + "*" * 8
    return view


def organization_view(store: Store, organization: dict) -> dict:
    """The organization with its projects and teams, as PostHog nests them; `plugins_access_level` as seeded."""
    projects = store.all("project", parent=organization["id"])
    teams = [team for project in projects for team in store.all("environment", parent=project["id"])]
    return {
        **organization,
        "projects": [{"id": p["id"], "name": p["name"]} for p in projects],
        "teams": [
            {"id": t["id"], "name": t["name"], "project_id": t["project_id"], "api_token": t["api_token"]}
            for t in teams
        ],
    }


def _stored(changes: dict) -> dict:
    return {f"_{name}" if name in CACHED_FIELDS else name: value for name, value in changes.items()}


def save_project(store: Store, project: dict, changes: dict) -> dict:
    """Write `changes` to the project (and its team settings to the production environment); the new project."""
    changes = _stored(changes)
    after = {**project, **changes, "updated_at": now_iso()}
    store.update("project", project["id"], after)
    environment = store.get("environment", project["id"])
    team_changes = {k: v for k, v in changes.items() if k not in PROJECT_ONLY_FIELDS}
    if environment is not None and team_changes:  # the production environment is the same team
        store.update("environment", project["id"], {**environment, **team_changes})
    return after


def is_generating_demo_data(project: dict) -> bool:
    return bool(project.get("_is_generating_demo_data", False))


class Projects(AreaState):
    """`state.organizations.projects`: the projects of the seeded organizations."""

    def _project(self, id: int) -> dict:
        project = self._store.get("project", id)
        if project is None:
            raise KeyError(f"no project {id}")
        return project

    def get(self, id: int) -> dict:
        """The project as the API answers it, plus `is_generating_demo_data` (PostHog's cached flag)."""
        project = self._project(id)
        return {**project_view(project), "is_generating_demo_data": is_generating_demo_data(project)}

    def all(self, organization_id: str | None = None) -> list[dict]:
        """Every project (of one organization when given), as the API answers them."""
        return [project_view(p) for p in self._store.all("project", parent=organization_id)]

    def update(self, id: int, **changes) -> dict:
        """Set fields of the project as PostHog would store them (team settings reach the production environment;
        `is_generating_demo_data` goes where PostHog's cache keeps it); no activity is logged."""
        with self._store.lock:
            save_project(self._store, self._project(id), changes)
        return self.get(id)

    def add(self, name: str, *, organization_id: str = ORGANIZATION_ID) -> dict:
        """A new project of the organization with its production environment, as PostHog creates one
        (posthog/models/project.py ProjectManager.create_with_team: the project and its first team share the id).
        No activity is logged; its answers take PROJECT_DEFAULTS for every setting."""
        with self._store.lock:
            team_id = self._store.next_id("team")
            stamp = now_iso()
            project = {
                "id": team_id,
                "uuid": f"0190a8f1-3333-7000-8000-{team_id:012d}",
                "organization": organization_id,
                "name": name,
                "created_at": stamp,
                "updated_at": stamp,
                "api_token": f"phc_demo{team_id:04d}{'x' * 30}",
                "timezone": "UTC",
                "is_demo": False,
                "secret_api_token": f"phs_project{team_id:04d}{'s' * 28}",
                "secret_api_token_backup": None,
            }
            self._store.insert("project", project, id=team_id, parent=organization_id)
            environment = {**project, "name": "Production", "project_id": team_id}
            self._store.insert("environment", environment, id=team_id, parent=team_id)
        return self.get(team_id)

    def rename(self, id: int, name: str) -> dict:
        """Rename the project (as someone would in PostHog's app); its environments keep their names."""
        return self.update(id, name=name)


class State(AreaState):
    """`server.state.organizations`: organizations, their projects (`.projects`) and environments."""

    def __init__(self, store: Store, profile: Profile) -> None:
        super().__init__(store, profile)
        self.projects = Projects(store, profile)

    def organization(self, id: str | None = None) -> dict:
        """The organization as the API answers it (the demo keys' own when no id is given)."""
        found = self._store.get("organization", id or ORGANIZATION_ID)
        if found is None:
            raise KeyError(f"no organization {id}")
        return organization_view(self._store, found)

    def environments(self, project_id: int) -> list[dict]:
        """The project's environments, as `/api/environments/{id}/` answers each."""
        return [project_view(e) for e in self._store.all("environment", parent=project_id)]
