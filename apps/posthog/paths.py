"""Paths of the PostHog resources more than one layer reaches (the plugins area, history's pollers, the
connection probe): one function per resource, so its place in PostHog's API is written once."""

from apps.posthog.client import api_path


def plugins_path(organization_id: str, *rest: str | int) -> str:
    """`/api/organizations/<org>/plugins/…`: plugins are installed per organization."""
    return api_path("organizations", organization_id, "plugins", *rest)


def plugin_configs_path(project_id: str | int, *rest: str | int) -> str:
    """`/api/projects/<project>/plugin_configs/…`: a plugin's config lives in a project."""
    return api_path("projects", project_id, "plugin_configs", *rest)
