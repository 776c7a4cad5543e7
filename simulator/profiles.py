"""Which PostHog the simulator plays: today's cloud, or the older self-hosted versions the reference pages describe.

Teams run different PostHog versions, and the portal must work with each by reading what PostHog answers. A
profile names every behaviour that differs between the two, each with the PostHog source it follows (paths in
the PostHog/posthog repository; see ../shared/posthog-api/REAL-BEHAVIOUR.md). Everything else the simulator does
is the same in both, because PostHog's code is.
"""

from dataclasses import dataclass, fields
from typing import Any

# posthog/models/organization.py PluginsAccessLevel
PLUGINS_ACCESS_NONE, PLUGINS_ACCESS_CONFIG, PLUGINS_ACCESS_INSTALL, PLUGINS_ACCESS_ROOT = 0, 3, 6, 9
# Which batch exports API a PostHog has (`Profile.batch_exports`). They exist since 2023 (posthog/batch_exports/
# http.py), so both profiles have them, in two generations:
# - BACKFILLS, today's (products/batch_exports/backend/api/batch_export.py): a `backfills/` viewset, runs that can be
#   cancelled, backfill dates checked by interval (dates only for daily and weekly exports, `end_at` not in the
#   future), 201 for a backfill or a retry;
# - BACKFILL_ACTION, 2024's (posthog/batch_exports/http.py of then; posthog/api/__init__.py registered only `runs`
#   under an export): a `backfill` action on the export, runs that can be retried but not cancelled, datetimes only
#   (`end_at` up to one interval ahead), 200 for a backfill or a retry.
BATCH_EXPORTS_BACKFILLS, BATCH_EXPORTS_BACKFILL_ACTION = "backfills", "backfill_action"


@dataclass(frozen=True)
class Profile:
    name: str
    summary: str
    # The demo key's scopes. None: a key made before PostHog had scopes, which posthog/permissions.py
    # (APIScopePermission) lets through everywhere; a scoped key (`*` included) meets the "scope wall" on every
    # action that declares no scope.
    demo_key_scopes: tuple[str, ...] | None
    # posthog/models/organization.py: CONFIG on cloud (MULTI_TENANCY), ROOT on self-hosted installs.
    plugins_access_level: int
    # products/cdp/backend/api/plugin.py PluginConfigViewSet.create: newer PostHog only turns a new config into a
    # hog function (hog_function_from_plugin_config) and answers an unsaved config with `"id": null`.
    plugin_config_create_retired: bool
    # posthog/api/plugin.py (older) computes delivery_rate_24h for list and retrieve; the newest drops the field.
    plugin_config_delivery_rate: bool
    # The `job` action exists in older versions only; `migrate` (into a hog function) in newer ones only.
    plugin_config_job: bool
    plugin_config_migrate: bool
    # posthog/api/app_metrics.py: routed in older versions, no longer registered in the newest router.
    app_metrics: bool
    # plugin_log_entry.py: the newest fetches offset + limit + 1 rows so `offset` works; older ones fetch only
    # `limit` rows and page that short list (`next` always null, any offset > 0 an empty page).
    plugin_logs_offset: bool
    # ee/clickhouse/views/groups.py: property_definitions exists in older versions only; property_values answers
    # a bare list in older versions and {results, refreshing} in the newest.
    group_property_definitions: bool
    group_property_values_envelope: bool
    # ee/api/rbac/role.py: the 2024-2025 list filters its queryset with every query parameter (`?limit` is a 500).
    roles_filter_by_query: bool
    # posthog/api/project_secret_api_key.py: at most 10 keys and `created_by` an id in older versions; 50 and a
    # nested user in the newest, whose posthog/scopes.py allows more scopes (account, experiment, loop).
    secret_keys_limit: int
    secret_keys_created_by_nested: bool
    secret_keys_newest_scopes: bool
    # posthog/api/integration_config.py validate_secret_token_generation: the newest refuses a first secret token
    # ("The feature flags secure API key is deprecated...").
    secret_token_deprecation_check: bool
    # ee/clickhouse/views/groups.py: the newest groups list pages with a keyset cursor (no `previous`), and `find`
    # reads `skip_create_notebook` (older ones create the CRM notebook whatever the query says).
    groups_keyset_cursor: bool
    group_find_skip_create_notebook: bool
    # posthog/api/file_system/file_system.py: the newest lists its actions in scope_object_*_actions (older ones
    # list none: scoped keys meet the scope wall there), previews count/count_by_path, and refuses undo_delete alike.
    file_system_action_scopes: bool
    # posthog/api/cohort.py: the newest refuses deleting a cohort others use, and editing a static cohort's criteria.
    cohort_update_guards: bool
    # posthog/api/project.py ProjectEnvironmentsViewSet: the newest refuses the list with 403 ("Multiple
    # environments per project are no longer available").
    project_environments_list: bool
    # products/cdp: hog functions (the pipeline after the plugin server's retirement).
    hog_functions: bool
    # The batch exports API this PostHog has: BATCH_EXPORTS_BACKFILLS or BATCH_EXPORTS_BACKFILL_ACTION (above).
    batch_exports: str

    def describe(self) -> dict[str, object]:
        return {field.name: getattr(self, field.name) for field in fields(self)}


CURRENT = Profile(
    name="current",
    summary="Today's PostHog cloud: the scope wall, retired plugin config creation, no delivery rate or jobs, "
    "hog functions, batch exports with backfills and run cancel, 50 project secret keys",
    demo_key_scopes=("*",),
    plugins_access_level=PLUGINS_ACCESS_CONFIG,
    plugin_config_create_retired=True,
    plugin_config_delivery_rate=False,
    plugin_config_job=False,
    plugin_config_migrate=True,
    app_metrics=False,
    plugin_logs_offset=True,
    group_property_definitions=False,
    group_property_values_envelope=True,
    roles_filter_by_query=False,
    secret_keys_limit=50,
    secret_keys_created_by_nested=True,
    secret_keys_newest_scopes=True,
    secret_token_deprecation_check=True,
    groups_keyset_cursor=True,
    group_find_skip_create_notebook=True,
    file_system_action_scopes=True,
    cohort_update_guards=True,
    project_environments_list=False,
    hog_functions=True,
    batch_exports=BATCH_EXPORTS_BACKFILLS,
)


def _older(newest: Profile, **values: Any) -> Profile:
    """A profile of an older PostHog that behaves the other way round in every respect a flag names, with its own
    `values` for the rest (name, summary, scopes, access level, limits)."""
    flipped = {f.name: not getattr(newest, f.name) for f in fields(newest) if isinstance(getattr(newest, f.name), bool)}
    return Profile(**{**flipped, **values})


# Every flag the other way round from today's: each behaviour a profile names changed between the two.
LEGACY = _older(
    CURRENT,
    name="legacy",
    summary="An older self-hosted PostHog, as the reference pages describe it: an unscoped key, plugin jobs and "
    "delivery rates, logs paged only by time, roles filtered by every query parameter, 10 project secret keys, "
    "batch exports backfilled with the older `backfill` action",
    demo_key_scopes=None,
    plugins_access_level=PLUGINS_ACCESS_ROOT,
    secret_keys_limit=10,
    batch_exports=BATCH_EXPORTS_BACKFILL_ACTION,
)

PROFILES: dict[str, Profile] = {profile.name: profile for profile in (CURRENT, LEGACY)}
DEFAULT_PROFILE = CURRENT.name


def profile_named(name: str | Profile) -> Profile:
    if isinstance(name, Profile):
        return name
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown simulator profile {name!r}: choose one of {', '.join(PROFILES)}") from None
