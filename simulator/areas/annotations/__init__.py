"""Annotations: markers on charts, per project, some organization-wide.

Follows posthog/api/annotation.py (`AnnotationsViewSet`, scope_object "annotation", `ForbidDestroyModel`) and
posthog/models/annotation.py:
- lists are newest first by `date_marker`, 1000 a page unless `limit` says otherwise, filtered by `scope`
  ("insight" reads as "dashboard_item"), `date_from`/`date_to` and `search` (on content); a project also sees the
  organization-scoped annotations made in its sibling projects;
- they cannot be hard-deleted: DELETE answers 405 with no body (for any id); PATCH `deleted: true` hides one
  (GET answers 404 then) and PATCH `deleted: false` brings it back;
- the `recording` scope is refused ("Recording scope is deprecated").

Both profiles behave the same: the code above has not changed in ways the portal meets between the versions.
"""

from simulator.areas.annotations import routes  # noqa: F401
from simulator.areas.annotations.seed import seed

__all__ = ["seed"]
