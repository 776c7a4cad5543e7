"""Where PostHog serves groups: the one place their paths are written.

Group data is kept per environment, so every groups path goes through `team_path`; group types are the project's.
"""

from urllib.parse import urlencode

from apps.connections.context import PostHogContext
from apps.posthog.client import api_path


def group_types_path(context: PostHogContext) -> str:
    return api_path("projects", context.project_id, "groups_types")


def groups_path(context: PostHogContext, *rest: str) -> str:
    return context.team_path("groups", *rest)


def group_action_path(context: PostHogContext, action: str, *, group_type_index: int, group_key: str) -> str:
    """One group's action (`find`, `update_property`…): PostHog names the group in the query string, and there it
    stays, in the path the audit trail records."""
    query = urlencode({"group_type_index": group_type_index, "group_key": group_key})
    return f"{groups_path(context, action)}?{query}"


def property_definitions_path(context: PostHogContext) -> str:
    return api_path("projects", context.project_id, "property_definitions")
