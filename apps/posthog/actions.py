"""PostHog actions whose availability depends on the key or the PostHog version, and where PostHog's app offers each.

Real PostHog refuses some actions to every personal API key (those whose viewset declares no scope:
posthog/permissions.py APIScopePermission), gates plugin writes on the organization's plugin access level, and
drops endpoints between versions (plugin jobs, groups' property_definitions, app metrics). The portal learns per
connection which of these it may use (apps.connections.capabilities) by matching each request against this table.
Deliberately free of Django.
"""

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

_TEAM = r"/api/(?:projects|environments)/(?P<project>[^/]+)"
_ORG = r"/api/organizations/(?P<organization>[^/]+)"
# Project actions live under the organization (the portal's path) and under the project itself.
_PROJECT = r"/api/(?:organizations/[^/]+/projects|projects|environments)/(?P<project>[^/]+)"
_CONFIG = _TEAM + r"/plugin_configs/(?P<config>\d+)"
_PLUGIN = _ORG + r"/plugins/(?P<plugin>\d+)"
_FUNCTION = _TEAM + r"/hog_functions/(?P<function>[^/]+)"
# Paths and labels too long to stand in the table's one-line rows.
_APP_METRICS = r"/app_metrics/(?P<config>\d+)/"
_TOKEN_BACKUP = _PROJECT + r"/delete_secret_token_backup/"
_CONVERSATIONS = _PROJECT + r"/generate_conversations_public_token/"
_DEMO_DATA = _PROJECT + r"/is_generating_demo_data/"
_ENVIRONMENTS = r"/api/projects/(?P<project>[^/]+)/environments/"
_GROUP_PROPERTIES = _TEAM + r"/groups/property_definitions/"
_GROUP_PROPERTY_NAMES = "Group property names (groups' property_definitions)"
_DELIVERY_RATES = "Delivery rates of plugin configs (delivery_rate_24h)"
_EXPORT = _TEAM + r"/batch_exports/(?P<export>[^/]+)"
_EXPORT_RUN = _EXPORT + r"/runs/(?P<run>[^/]+)"
_OLDER_BACKFILL = "Backfill a batch export (older PostHog's backfill action)"

# Pages of PostHog's app (frontend/src/scenes/urls.ts; every path is prefixed with the project).
PIPELINE_PAGE = "/project/{project}/pipeline/overview"
PLUGIN_CONFIG_PAGE = "/project/{project}/pipeline/plugins/{config}"
PROJECT_SETTINGS_PAGE = "/project/{project}/settings/project"
DESTINATIONS_PAGE = "/project/{project}/data-management/destinations"
HOG_FUNCTION_PAGE = "/project/{project}/functions/{function}"
TRANSFORMATIONS_PAGE = "/project/{project}/pipeline/transformations"
# One batch export (frontend/src/scenes/urls.ts `batchExport`); pages build it with the export's id.
BATCH_EXPORT_PAGE = "/project/{project}/pipeline/batch-exports/{export}"
PROPERTIES_PAGE = "/project/{project}/data-management/properties"


@dataclass(frozen=True)
class Action:
    key: str  # snake_case, usable in templates: capabilities.plugin_config_rearrange
    label: str  # what a person calls it
    method: str
    path: str  # a regular expression over the API path
    app_page: str  # the page of PostHog's app where a person can do the same
    # False where PostHog's viewset declares no scope for it: scoped personal API keys (all of today's) are refused.
    declares_scope: bool = True

    @property
    def pattern(self) -> re.Pattern:
        return _compiled(self.path)


def _walled(app_page: str, *rows: tuple[str, str, str, str]) -> tuple[Action, ...]:
    """Actions (key, label, method, path) done on `app_page` in PostHog's app, whose viewset declares no scope."""
    return tuple(Action(key, label, method, path, app_page, declares_scope=False) for key, label, method, path in rows)


ACTIONS: tuple[Action, ...] = (
    # Plugin configs (products/cdp/backend/api/plugin.py: PluginConfigViewSet lists no scoped actions).
    *_walled(
        PIPELINE_PAGE,
        ("plugin_config_rearrange", "Reorder the plugin pipeline", "PATCH", _TEAM + r"/plugin_configs/rearrange/"),
    ),
    *_walled(
        PLUGIN_CONFIG_PAGE,
        ("plugin_config_activity", "Read a plugin config's activity", "GET", _CONFIG + r"/activity/"),
        ("plugin_config_frontend", "Read a plugin config's frontend", "GET", _CONFIG + r"/frontend/"),
        ("plugin_config_job", "Run a plugin job", "POST", _CONFIG + r"/job/"),
        ("plugin_config_migrate", "Migrate a plugin config to a hog function", "POST", _CONFIG + r"/migrate/"),
    ),
    Action("app_metrics", "Read a plugin config's app metrics", "GET", _TEAM + _APP_METRICS, PLUGIN_CONFIG_PAGE),
    # Plugins (PluginViewSet: no scoped actions; writes also need the Install plugin access level).
    *_walled(
        PIPELINE_PAGE,
        ("plugin_activity", "Read the plugins' activity", "GET", _ORG + r"/plugins/activity/"),
        ("plugin_repository", "Browse PostHog's plugin repository", "GET", _ORG + r"/plugins/repository/"),
        ("plugin_check_for_updates", "Check a plugin for updates", "GET", _PLUGIN + r"/check_for_updates/"),
        ("plugin_source", "Read a plugin's source", "GET", _PLUGIN + r"/source/"),
        ("plugin_update_source", "Edit a plugin's source", "PATCH", _PLUGIN + r"/update_source/"),
        ("plugin_upgrade", "Upgrade a plugin", "POST", _PLUGIN + r"/upgrade/"),
    ),
    Action("plugin_install", "Install a plugin", "POST", _ORG + r"/plugins/", PIPELINE_PAGE),
    Action("plugin_edit", "Edit a plugin", "PATCH", _PLUGIN + r"/", PIPELINE_PAGE),
    Action("plugin_uninstall", "Uninstall a plugin", "DELETE", _PLUGIN + r"/", PIPELINE_PAGE),
    # Project token actions (posthog/api/team.py, project.py: no required_scopes).
    *_walled(
        PROJECT_SETTINGS_PAGE,
        ("project_reset_token", "Reset the project API token", "PATCH", _PROJECT + r"/reset_token/"),
        ("project_rotate_secret_token", "Rotate the secret token", "PATCH", _PROJECT + r"/rotate_secret_token/"),
        ("project_delete_secret_token_backup", "Delete the secret token's backup", "PATCH", _TOKEN_BACKUP),
        ("project_conversations_token", "Generate the conversations widget's token", "POST", _CONVERSATIONS),
        ("project_demo_data", "See whether demo data is being generated", "GET", _DEMO_DATA),
    ),
    Action("project_environments", "List a project's environments", "GET", _ENVIRONMENTS, PROJECT_SETTINGS_PAGE),
    # Retired in newer PostHog.
    Action("group_property_definitions", _GROUP_PROPERTY_NAMES, "GET", _GROUP_PROPERTIES, PROPERTIES_PAGE),
    # A field, not an endpoint: newer PostHog no longer sends plugin configs' delivery_rate_24h. No request matches
    # it (no method); the delivery poller and "Test connection" record what PostHog's answers hold.
    Action("plugin_config_delivery_rate", _DELIVERY_RATES, "", _TEAM + r"/plugin_configs/", PIPELINE_PAGE),
    # Batch exports (products/batch_exports/backend/api/batch_export.py, scope object batch_export). `logs`, of an
    # export and of a run, is posthog/api/log_entries.py LogEntryMixin's action, which declares no scope.
    *_walled(
        DESTINATIONS_PAGE,
        ("batch_export_logs", "Read a batch export's logs", "GET", _EXPORT + r"/logs/"),
        ("batch_export_run_logs", "Read a batch export run's logs", "GET", _EXPORT_RUN + r"/logs/"),
    ),
    Action("batch_export_pause", "Pause a batch export", "POST", _EXPORT + r"/pause/", DESTINATIONS_PAGE),
    Action("batch_export_unpause", "Unpause a batch export", "POST", _EXPORT + r"/unpause/", DESTINATIONS_PAGE),
    Action("batch_export_run_retry", "Retry a batch export run", "POST", _EXPORT_RUN + r"/retry/", DESTINATIONS_PAGE),
    # Newer PostHog only: the backfills viewset and run cancel.
    Action("batch_export_backfills", "Backfill a batch export", "POST", _EXPORT + r"/backfills/", DESTINATIONS_PAGE),
    Action(
        "batch_export_run_cancel", "Cancel a batch export run", "POST", _EXPORT_RUN + r"/cancel/", DESTINATIONS_PAGE
    ),
    # Older PostHog only (2024's posthog/batch_exports/http.py): a backfill is the export's own action.
    Action("batch_export_backfill", _OLDER_BACKFILL, "POST", _EXPORT + r"/backfill/", DESTINATIONS_PAGE),
    # Newer PostHog only.
    Action("hog_functions", "Hog functions", "GET", _TEAM + r"/hog_functions/", DESTINATIONS_PAGE),
    # products/cdp/backend/api/hog_function.py: scoped (hog_function:read, hog_function:write), so a key may lack
    # the scope; `rearrange` before the function's own PATCH, whose pattern its path also fits.
    Action(
        "hog_function_rearrange",
        "Reorder the transformations",
        "PATCH",
        _TEAM + r"/hog_functions/rearrange/",
        TRANSFORMATIONS_PAGE,
    ),
    Action("hog_function_edit", "Change a hog function", "PATCH", _FUNCTION + r"/", HOG_FUNCTION_PAGE),
    Action("hog_function_test", "Test a hog function", "POST", _FUNCTION + r"/invocations/", HOG_FUNCTION_PAGE),
    Action("hog_function_logs", "Read a hog function's logs", "GET", _FUNCTION + r"/logs/", HOG_FUNCTION_PAGE),
    Action(
        "hog_function_metrics",
        "Read a hog function's metrics",
        "GET",
        _FUNCTION + r"/metrics/(?:totals/)?",
        HOG_FUNCTION_PAGE,
    ),
    Action("user_me", "The key owner's user (users/@me)", "GET", r"/api/users/@me/", "/me/settings"),
)
BY_KEY: dict[str, Action] = {action.key: action for action in ACTIONS}


@cache
def _compiled(path: str) -> re.Pattern:
    return re.compile(path.rstrip("/") + "/?")


def action_for(method: str, path: str) -> Action | None:
    """The registered action a request performs, or None. OPTIONS asks about any action on its path."""
    path = urlsplit(path).path
    for action in ACTIONS:
        if (method == "OPTIONS" or action.method == method) and action.pattern.fullmatch(path):
            return action
    return None


def app_url(*, host: str, action: Action, path: str | None = None, project_id: str = "") -> str:
    """The page of PostHog's app where a person signed in can do what `action` does (ids taken from the API
    path where it has them, the project from `project_id` otherwise)."""
    ids = {"project": project_id, "config": "", "plugin": "", "organization": "", "function": ""}
    if path and (found := action.pattern.fullmatch(urlsplit(path).path)):
        ids.update({name: value for name, value in found.groupdict().items() if value})
    if not ids["project"] or ids["project"] == "@current":
        page = "/" if "{project}" in action.app_page else action.app_page
        return host.rstrip("/") + page
    if "{config}" in action.app_page and not ids["config"]:
        return host.rstrip("/") + PIPELINE_PAGE.format(**ids)
    if "{function}" in action.app_page and not ids["function"]:
        return host.rstrip("/") + DESTINATIONS_PAGE.format(**ids)
    return host.rstrip("/") + action.app_page.format(**ids)
