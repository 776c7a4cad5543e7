"""Organizations, projects, environments and the key's user: the navigation the portal needs.

Follows posthog/api/organization.py, posthog/api/project.py (ProjectBackwardCompatSerializer,
ProjectEnvironmentsViewSet), posthog/api/team.py and posthog/api/user.py. The organizations, projects and
environments themselves are seeded by simulator/core/seed.py (`plugins_access_level` from the profile).

Differs per profile:
- `project_environments_list`: older PostHog lists a project's environments at
  `/api/projects/{id}/environments/`; the newest refuses that route with 403 "Multiple environments per project
  are no longer available..." (use `/api/environments/{id}/`).
"""

from simulator.areas.organizations import routes  # noqa: F401
from simulator.areas.organizations.seed import seed
from simulator.areas.organizations.state import (
    PROJECT_DEFAULTS,
    PUBLIC_PROJECT_FIELDS,
    organization_view,
    project_view,
    save_project,
)

__all__ = ["PROJECT_DEFAULTS", "PUBLIC_PROJECT_FIELDS", "organization_view", "project_view", "save_project", "seed"]
