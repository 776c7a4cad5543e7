"""Writes to the organization's plugins and the project's plugin configs.

Every write goes through the connection's client, which audits it in the signed-in person's name.
"""

from apps.connections.context import PostHogContext
from apps.plugins.kept import config_write_unkept
from apps.posthog.client import Files, api_path

# What PostHog computes for a config's reads only (null in a write's answer): never recorded as a change.
CONFIG_MEASURED = frozenset({"delivery_rate_24h"})


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
    """Sent as PostHog's own app sends it: multipart, `config` as JSON text, attachments as `add_attachment[key]`
    files (a JSON body's `config` is dropped by PostHog). `secret_keys` are the plugin's secret fields, masked in
    the audit trail whatever their names.

    Newer PostHog no longer creates plugin configs: it turns the request into a hog function and answers a config
    that was never saved (`"id": null`), or refuses it with a validation error."""
    return context.client.post(
        _configs_path(context),
        json=data,
        files=files,
        form=True,
        secret_keys=secret_keys,
        verify=config_write_unkept(sent=data, files=files, secret_keys=secret_keys)
        if data.get("config") is not None
        else None,
    )


def plugin_config_update(
    *,
    context: PostHogContext,
    config_id: int,
    data: dict,
    files: Files | None = None,
    secret_keys: frozenset[str] = frozenset(),
) -> dict:
    """Multipart, as plugin_config_create; raises ChangeNotKept when PostHog's answer holds other values than were
    sent (the write is then audited as not kept)."""
    return context.client.patch(
        _configs_path(context, config_id),
        json=data,
        files=files,
        form=True,
        capture_before=True,
        secret_keys=secret_keys,
        measured=CONFIG_MEASURED,
        verify=config_write_unkept(sent=data, files=files, secret_keys=secret_keys),
    )


def plugin_config_enabled_set(*, context: PostHogContext, config_id: int, enabled: bool) -> dict:
    return context.client.patch(
        _configs_path(context, config_id),
        json={"enabled": enabled},
        capture_before=True,
        measured=CONFIG_MEASURED,
        verify=config_write_unkept(sent={"enabled": enabled}, files=None, secret_keys=frozenset()),
    )


def plugin_config_delete(*, context: PostHogContext, config_id: int) -> None:
    """PostHog only disables the config; it stays in the list."""
    context.client.delete(_configs_path(context, config_id), capture_before=True, measured=CONFIG_MEASURED)


def plugin_config_rearrange(*, context: PostHogContext, orders: dict[int, int]) -> list[dict]:
    """{config id: position}; PostHog reorders enabled configs only."""
    answer = context.client.patch(
        _configs_path(context, "rearrange"), json={"orders": {str(k): v for k, v in orders.items()}}
    )
    return answer if isinstance(answer, list) else []


def plugin_config_migrate(*, context: PostHogContext, config_id: int) -> dict:
    """Newer PostHog turns the config into a hog function (answered whole) and disables the config."""
    return context.client.post(_configs_path(context, config_id, "migrate"), json={})


def plugin_config_job_run(
    *, context: PostHogContext, config_id: int, job_type: str, payload: dict, operation: str = "start"
) -> dict:
    return context.client.post(
        _configs_path(context, config_id, "job"),
        json={"job": {"type": job_type, "payload": payload, "operation": operation}},
    )
