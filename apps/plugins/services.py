"""Writes to the organization's plugins and the project's plugin configs.

Every write goes through the connection's client, which audits it in the signed-in person's name.
"""

from apps.connections.context import PostHogContext
from apps.posthog.client import Files, api_path


def _plugins_path(context: PostHogContext, *rest) -> str:
    return api_path("organizations", context.organization_id, "plugins", *rest)


def _configs_path(context: PostHogContext, *rest) -> str:
    return api_path("projects", context.project_id, "plugin_configs", *rest)


# Plugins ---------------------------------------------------------------------------------------------


def plugin_install(*, context: PostHogContext, data: dict) -> dict:
    """From a URL (`url`, optionally `plugin_type`) or as a source plugin (`plugin_type: source`, `name`)."""
    return context.client.post(_plugins_path(context), json=data)


def plugin_update(*, context: PostHogContext, plugin_id: int, data: dict) -> dict:
    return context.client.patch(_plugins_path(context, plugin_id), json=data, capture_before=True)


def plugin_delete(*, context: PostHogContext, plugin_id: int) -> None:
    context.client.delete(_plugins_path(context, plugin_id), capture_before=True)


def plugin_updates_check(*, context: PostHogContext, plugin_id: int) -> dict:
    """Asks PostHog to look upstream for a newer tag; answers the plugin with `latest_tag` refreshed."""
    answer = context.client.get(_plugins_path(context, plugin_id, "check_for_updates"))
    return answer.get("plugin", answer) if isinstance(answer, dict) else {}


def plugin_upgrade(*, context: PostHogContext, plugin_id: int) -> dict:
    return context.client.post(_plugins_path(context, plugin_id, "upgrade"), json={})


def plugin_source_update(*, context: PostHogContext, plugin_id: int, files: dict[str, str | None]) -> dict:
    """{file name: new content}; `None` removes a file. Answers the whole source."""
    return context.client.patch(_plugins_path(context, plugin_id, "update_source"), json=files)


# Plugin configs --------------------------------------------------------------------------------------


def plugin_config_create(
    *, context: PostHogContext, data: dict, files: Files | None = None, secret_keys: frozenset[str] = frozenset()
) -> dict:
    """`files` are attachments, as `add_attachment[key]` form fields; `secret_keys` are the plugin's secret
    fields, masked in the audit trail whatever their names."""
    return context.client.post(_configs_path(context), json=data, files=files, secret_keys=secret_keys)


def plugin_config_update(
    *,
    context: PostHogContext,
    config_id: int,
    data: dict,
    files: Files | None = None,
    secret_keys: frozenset[str] = frozenset(),
) -> dict:
    return context.client.patch(
        _configs_path(context, config_id), json=data, files=files, capture_before=True, secret_keys=secret_keys
    )


def plugin_config_enabled_set(*, context: PostHogContext, config_id: int, enabled: bool) -> dict:
    return plugin_config_update(context=context, config_id=config_id, data={"enabled": enabled})


def plugin_config_delete(*, context: PostHogContext, config_id: int) -> None:
    """PostHog only disables the config; it stays in the list."""
    context.client.delete(_configs_path(context, config_id), capture_before=True)


def plugin_config_rearrange(*, context: PostHogContext, orders: dict[int, int]) -> list[dict]:
    """{config id: position}; PostHog reorders enabled configs only."""
    answer = context.client.patch(
        _configs_path(context, "rearrange"), json={"orders": {str(k): v for k, v in orders.items()}}
    )
    return answer if isinstance(answer, list) else []


def plugin_config_job_run(
    *, context: PostHogContext, config_id: int, job_type: str, payload: dict, operation: str = "start"
) -> dict:
    return context.client.post(
        _configs_path(context, config_id, "job"),
        json={"job": {"type": job_type, "payload": payload, "operation": operation}},
    )
