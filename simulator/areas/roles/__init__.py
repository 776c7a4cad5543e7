"""Organization roles, plus the people that annotations, cohorts and the file system share.

Follows ee/api/rbac/role.py (RoleViewSet, RoleSerializer, RoleMembershipSerializer; the newest moved the models to
products/access_control/backend/models/role.py) and posthog/api/shared.py (UserBasicSerializer). PostHog answers
`members` as a list of role memberships and `is_default` as a boolean (the Nov 2025 OpenAPI copy types both as
strings: unannotated serializer methods, fixed in later schemas). The list is DRF's LimitOffset page in every
version.

Differs per profile (`roles_filter_by_query`, the 2024-2025 code):
- the queryset is filtered with every query parameter (`queryset.filter(**request.GET.dict())`), for the list and
  every lookup by id: a parameter naming a Role field filters (`?name=Engineering`), any other (`?limit=100`,
  `?offset=0`) is a FieldError, answered 500;
- validate_name does not exclude the role itself, so renaming a role to its own name (or re-casing it) is refused
  as a duplicate ("There is already a role with this name.", code "unique").
The newest code does neither.
"""

from simulator.areas.roles import routes  # noqa: F401
from simulator.areas.roles.people import TEAMMATES, acting_user_basic, people, public, user_basic
from simulator.areas.roles.seed import seed

__all__ = ["TEAMMATES", "acting_user_basic", "people", "public", "seed", "user_basic"]
