"""The project a page works on, by name: the head lines of the project's lists say "Project Hedgehog Web (id 1)"
rather than a bare id."""

from typing import Any

from django import template

from apps.connections.cached import PROJECTS, cached_kept
from apps.connections.context import PostHogContext

register = template.Library()


@register.inclusion_tag("connections/project_name.html", takes_context=True)
def project_name(context: template.Context) -> dict[str, Any]:
    """The picked project's name, from the projects list the switcher keeps in the cache (never a request of its
    own: a page shows the id alone until the switcher has read the list)."""
    posthog = context.get("posthog")
    if not isinstance(posthog, PostHogContext) or posthog.connection is None:
        return {"project_id": getattr(posthog, "project_id", ""), "name": ""}
    kept, projects = cached_kept(context=posthog, name=PROJECTS, parts=("list",))
    names = dict(projects) if kept and isinstance(projects, list) else {}
    name = names.get(posthog.project_id, "")
    return {"project_id": posthog.project_id, "name": name if name != posthog.project_id else ""}
