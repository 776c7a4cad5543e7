"""Where PostHog serves project secret API keys: the one place their path is written."""

from apps.connections.context import PostHogContext


def secret_keys_path(context: PostHogContext, *rest: str) -> str:
    """`/api/environments/<env>/project_secret_api_keys/…`: PostHog serves them only per environment."""
    return context.environment_path("project_secret_api_keys", *rest)
