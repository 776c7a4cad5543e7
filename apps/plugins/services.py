"""Writes to the organization's plugins and the project's plugin configs.

Every write goes through the connection's client, which audits it in the signed-in person's name.
"""

from collections.abc import Callable, Sequence
from typing import Any

from apps.connections.cached import PLUGINS, cached_forget
from apps.connections.context import PostHogContext
from apps.core.bulk import Planned, Result, bulk_apply
from apps.plugins.kept import config_write_unkept
from apps.posthog.client import Files
from apps.posthog.created import created_finder
from apps.posthog.errors import Unkept
from apps.posthog.paths import plugin_configs_path, plugins_path

# What PostHog computes for a config's reads only (null in a write's answer): never recorded as a change.
CONFIG_MEASURED = frozenset({"delivery_rate_24h"})


# Plugins ---------------------------------------------------------------------------------------------


def plugin_install(*, context: PostHogContext, data: dict[str, Any]) -> dict[str, Any]:
    """From a URL (`url`, optionally `plugin_type`) or as a source plugin (`plugin_type: source`, `name`)."""
    path = plugins_path(context.organization_id)
    # posthog/api/plugin.py: a URL installs once per organization ("Plugin from URL … already installed"), so the
    # plugin holding that URL is the one made; a source plugin is told apart by its name.
    fields = ("url",) if data.get("url") else ("name", "plugin_type")
    find = created_finder(client=context.client, path=path, sent=data, fields=fields)
    return context.client.post(path, json=data, find_created=find)


def plugin_update(*, context: PostHogContext, plugin_id: int, data: dict[str, Any]) -> dict[str, Any]:
    return context.client.patch(plugins_path(context.organization_id, plugin_id), json=data, capture_before=True)


def plugin_delete(*, context: PostHogContext, plugin_id: int) -> None:
    context.client.delete(plugins_path(context.organization_id, plugin_id), capture_before=True)


def plugin_updates_check(*, context: PostHogContext, plugin_id: int) -> dict[str, Any]:
    """Asks PostHog to look upstream for a newer tag; answers the plugin with `latest_tag` refreshed."""
    answer = context.client.get(plugins_path(context.organization_id, plugin_id, "check_for_updates"))
    if context.connection is not None:  # a read that writes: the catalogue's "update available" may change
        cached_forget(connection=context.connection, name=PLUGINS)
    return answer.get("plugin", answer) if isinstance(answer, dict) else {}


def plugin_upgrade(*, context: PostHogContext, plugin_id: int) -> dict[str, Any]:
    return context.client.post(plugins_path(context.organization_id, plugin_id, "upgrade"), json={})


def plugin_source_update(*, context: PostHogContext, plugin_id: int, files: dict[str, str | None]) -> dict[str, Any]:
    """{file name: new content}; `None` removes a file. Answers the whole source."""
    return context.client.patch(plugins_path(context.organization_id, plugin_id, "update_source"), json=files)


# Plugin configs --------------------------------------------------------------------------------------


def plugin_config_create(
    *,
    context: PostHogContext,
    data: dict[str, Any],
    files: Files | None = None,
    secret_keys: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Sent as PostHog's own app sends it: multipart, `config` as JSON text, attachments as `add_attachment[key]`
    files (a JSON body's `config` is dropped by PostHog). `secret_keys` are the plugin's secret fields, masked in
    the audit trail whatever their names.

    Newer PostHog no longer creates plugin configs: it turns the request into a hog function and answers a config
    that was never saved (`"id": null`), or refuses it with a validation error."""
    return context.client.post(
        plugin_configs_path(context.project_id),
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
    data: dict[str, Any],
    files: Files | None = None,
    secret_keys: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Multipart, as plugin_config_create; raises ChangeNotKept when PostHog's answer holds other values than were
    sent (the write is then audited as not kept)."""
    return context.client.patch(
        plugin_configs_path(context.project_id, config_id),
        json=data,
        files=files,
        form=True,
        capture_before=True,
        secret_keys=secret_keys,
        measured=CONFIG_MEASURED,
        verify=config_write_unkept(sent=data, files=files, secret_keys=secret_keys),
    )


def plugin_config_enabled_set(*, context: PostHogContext, config_id: int, enabled: bool) -> dict[str, Any]:
    return context.client.patch(
        plugin_configs_path(context.project_id, config_id),
        json={"enabled": enabled},
        capture_before=True,
        measured=CONFIG_MEASURED,
        verify=config_write_unkept(sent={"enabled": enabled}, files=None, secret_keys=frozenset()),
    )


def plugin_config_enabled_set_many(*, context: PostHogContext, plan: Sequence[Planned], enabled: bool) -> list[Result]:
    """The bulk switch: each config of `plan` that changes goes through plugin_config_enabled_set, once (the client
    audits each, and settles one whose answer was lost rather than sending it again); a result per config."""
    return bulk_apply(
        plan,
        lambda config_id: plugin_config_enabled_set(context=context, config_id=int(config_id), enabled=enabled),
    )


def plugin_config_delete(*, context: PostHogContext, config_id: int) -> None:
    """PostHog only disables the config; it stays in the list."""
    context.client.delete(
        plugin_configs_path(context.project_id, config_id), capture_before=True, measured=CONFIG_MEASURED
    )


def plugin_config_rearrange(*, context: PostHogContext, orders: dict[int, int]) -> list[dict[str, Any]]:
    """{config id: position}; PostHog reorders enabled configs only."""
    answer = context.client.patch(
        plugin_configs_path(context.project_id, "rearrange"), json={"orders": {str(k): v for k, v in orders.items()}}
    )
    return answer if isinstance(answer, list) else []


def plugin_config_migrate(*, context: PostHogContext, config_id: int) -> dict[str, Any]:
    """Newer PostHog turns the config into a hog function (answered whole) and disables the config."""
    return context.client.post(plugin_configs_path(context.project_id, config_id, "migrate"), json={})


def plugin_config_job_run(
    *, context: PostHogContext, config_id: int, job_type: str, payload: dict[str, Any], operation: str = "start"
) -> dict[str, Any]:
    return context.client.post(
        plugin_configs_path(context.project_id, config_id, "job"),
        json={"job": {"type": job_type, "payload": payload, "operation": operation}},
    )


# Undo (apps/core/undo.py) ----------------------------------------------------------------------------

UNDO_KINDS = frozenset({"enabled", "order"})


def plugin_config_undo(*, context: PostHogContext, kind: str, state: dict[str, Any]) -> None:
    """Writes back what a one-click change replaced, as a write of its own (audited as such): `enabled` {config_id,
    enabled}, or `order` {config id: order}, the orders PostHog held before, which rearrange sets exactly (it
    takes any integers, not only positions). Raises ChangeNotKept when PostHog's answer holds otherwise."""
    if kind == "enabled":
        plugin_config_enabled_set(context=context, config_id=int(state["config_id"]), enabled=bool(state["enabled"]))
    elif kind == "order":
        orders = {str(config_id): int(order) for config_id, order in state["orders"].items()}
        context.client.patch(
            plugin_configs_path(context.project_id, "rearrange"), json={"orders": orders}, verify=_orders_unkept(orders)
        )
    else:
        raise ValueError(f"No undo for {kind!r}")


def _orders_unkept(orders: dict[str, int]) -> Callable[[Any], list[Unkept]]:
    """Rearrange answers the enabled configs: each one sent must hold its order (one since disabled is not there,
    and PostHog skips it: nothing to restore)."""

    def unkept(answer: Any) -> list[Unkept]:
        items = answer if isinstance(answer, list) else []
        held = {str(item.get("id")): item.get("order") for item in items if isinstance(item, dict)}
        return [
            Unkept(f"order of {config_id}", order, held[config_id])
            for config_id, order in orders.items()
            if config_id in held and held[config_id] != order
        ]

    return unkept
