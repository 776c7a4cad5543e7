from dataclasses import dataclass

from django.core.cache import cache

from apps.connections.context import PostHogContext
from apps.posthog.client import api_path
from apps.posthog.errors import PostHogError

OPTIONS_TTL = 300


@dataclass(frozen=True)
class ScopeOptions:
    projects: list[tuple[str, str]]
    environments: list[tuple[str, str]]
    error: PostHogError | None = None


def scope_options(*, context: PostHogContext) -> ScopeOptions:
    """Projects of the connection's organization and environments of the current project, cached briefly."""
    connection = context.connection
    cache_key = f"scope-options:{connection.pk}:{connection.updated_at.timestamp()}:{context.project_id}"
    if (cached := cache.get(cache_key)) is not None:
        return cached
    try:
        projects = [
            (str(p["id"]), p.get("name") or str(p["id"]))
            for p in context.client.paginate(
                api_path("organizations", context.organization_id, "projects"), max_items=200
            )
        ]
        environments = [
            (str(e["id"]), e.get("name") or str(e["id"]))
            for e in context.client.paginate(api_path("projects", context.project_id, "environments"), max_items=50)
        ]
    except PostHogError as error:
        # Keep the page working on what is configured; say why the lists are missing.
        return ScopeOptions(
            projects=[(context.project_id, context.project_id)],
            environments=[(context.environment_id, context.environment_id)],
            error=error,
        )
    options = ScopeOptions(projects=projects, environments=environments)
    cache.set(cache_key, options, OPTIONS_TTL)
    return options


def project_get(*, context: PostHogContext) -> dict:
    """The current project as PostHog describes it."""
    return context.client.get(api_path("projects", context.project_id))
