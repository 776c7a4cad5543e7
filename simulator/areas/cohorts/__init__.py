"""Cohorts: static lists and dynamic (filter-based) groups of persons.

Follows posthog/api/cohort.py (`CohortViewSet`, scope_object "cohort", `ForbidDestroyModel`; `CohortSerializer`
with its pydantic filter models and `CSVConfig`):
- DELETE answers 405 with no body; PATCH `deleted: true` hides a cohort from the list (GET by id still answers,
  with `deleted: true`); lists are newest first and take `search` (name), `type` (static|dynamic),
  `created_by_id` and `hide_behavioral_cohorts`;
- a dynamic cohort starts calculating when it is created or changed and finishes a moment later, when its
  count appears; references between cohorts may not loop;
- a static cohort takes its persons from `_create_static_person_ids` at once, and from a `csv` file in a
  multipart body (create, or PATCH of a static cohort) in the background: `is_calculating` until the import is
  done, then the count. The CSV is read as PostHog reads it (person_id, distinct_id or email column; the same
  refusals, on the `csv` field). The simulator has no persons: every ID stands for one person.

Per profile: in the newest code (`state.newest_code`) a cohort other cohorts use as criteria cannot be deleted,
and a static cohort's criteria cannot be edited; older PostHog allows both.
"""

from simulator.areas.cohorts import routes  # noqa: F401
from simulator.areas.cohorts.seed import seed

__all__ = ["seed"]
