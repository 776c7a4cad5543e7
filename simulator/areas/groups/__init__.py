"""Groups (group analytics): group types, groups, their properties and history, and the property definitions API
for group properties.

Follows ee/clickhouse/views/groups.py (GroupsTypesViewSet, GroupsViewSet) and, for property names,
posthog/taxonomy/property_definition_api.py. Group types live per project, groups per team (environment); every
groups route is served under both `/api/projects/{project_id}/` and `/api/environments/{environment_id}/`.
`group_type_index` is required almost everywhere, a property edit is POSTed with the group named in the query
string, `find` may create the group's CRM notebook as a side effect, and creating a group of an unknown type stores
it and then answers 404 (the `$groupidentify` needs the type).

What differs per profile (PostHog version):
- `group_property_definitions`: the groups API's `property_definitions` action exists in older versions only
  (`{"<group_type_index>": [{"name", "count"}]}`); elsewhere it is "Endpoint not found.".
- `group_property_values_envelope`: property_values answers `{"results": [...], "refreshing": false}` and a 400 for
  a missing parameter in the newest version; older ones a bare list, and a 500 for a missing parameter. The same
  newest version pages the list with its keyset cursor (no `previous`, a bad cursor restarts) where older ones used
  DRF's cursor pagination (a bad cursor is a 404), and honours `skip_create_notebook` in `find`, which older ones
  ignore.
"""

from simulator.areas.groups import property_definitions, routes  # noqa: F401  (registers the routes)
from simulator.areas.groups.seed import seed
from simulator.areas.groups.state import State

__all__ = ["State", "seed"]
