"""Hog functions: the pipeline PostHog runs since the plugin server's retirement (destinations, transformations,
site apps).

Follows products/cdp/backend/api/hog_function.py (HogFunctionViewSet, HogFunctionSerializer), posthog/cdp/validation.py
(inputs and filters), posthog/api/log_entries.py (logs) and posthog/api/app_metrics2.py (metrics), under
/api/projects/{id}/ and /api/environments/{id}/; the CDP worker's test run follows nodejs/src/cdp/cdp-api.ts. Plugin
configs create hog functions here (`create` of a retired PostHog, `migrate`), from the templates in
data/templates.json.

Per profile: the routes and the seeded functions exist only where `profile.hog_functions` (today's PostHog); on an
older PostHog the paths answer 404 "Endpoint not found.".

Modules: `state` (views, `State`), `validation`, `routes` (CRUD, soft delete, rearrange), `logs`, `metrics`,
`invocations` (test runs), `runs` (what a run logs), `records` (logs and metrics kept), `living` (`live_tick`),
`templates`, `seed`.
"""

from simulator.areas.hog_functions import invocations, logs, metrics, routes  # noqa: F401
from simulator.areas.hog_functions.living import live_tick
from simulator.areas.hog_functions.seed import seed

__all__ = ["live_tick", "seed"]
