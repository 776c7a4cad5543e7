"""Project plugin configs: a plugin installed into a project, its settings, order, logs, metrics and history.

Follows products/cdp/backend/api/plugin.py PluginConfigViewSet and PluginConfigSerializer (older:
posthog/api/plugin.py), plugin_log_entry.py and posthog/api/app_metrics.py:
- `config` is read-only in JSON bodies: only a form body's `config` (JSON text) changes it, beside
  `add_attachment[key]` files and `remove_attachment[key]` fields; secrets left out (or null) keep their value and
  read back masked (SECRET_MASK); `error` is always null; DELETE only disables; the list hides deleted configs and
  is ordered by (order, plugin); rearrange reorders enabled configs only;
- custom actions (rearrange, activity, frontend, job, migrate) are behind the scope wall.

Per profile:
- `plugin_config_create_retired`: create only turns the body into a hog function (plugins with a `plugin-<id>`
  template, hog_functions/data/templates.json) and answers the unsaved config (`id` null), else 400;
- `plugin_config_delivery_rate`: `delivery_rate_24h` in every answer (a rate in list and retrieve), else absent;
- `plugin_config_job` / `plugin_config_migrate`: the `job` or the `migrate` action;
- `plugin_logs_offset`: logs fetched up to offset + limit + 1 (offset works) or only `limit` rows;
- `app_metrics`: `/app_metrics/{plugin_config_id}/` is routed.

Modules: `state` (views, `State`), `validation`, `routes` (CRUD, rearrange), `actions`, `hog` (hog functions from
configs), `logs`, `app_metrics`, `messages` (log entries), `living` (`live_tick`), `seed`.
"""

from simulator.areas.plugin_configs import actions, app_metrics, logs, routes  # noqa: F401
from simulator.areas.plugin_configs.living import live_tick
from simulator.areas.plugin_configs.seed import seed
from simulator.areas.plugin_configs.state import config_view

__all__ = ["config_view", "live_tick", "seed"]
