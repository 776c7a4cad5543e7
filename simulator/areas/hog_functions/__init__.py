"""Hog functions: the pipeline PostHog runs since the plugin server's retirement (a minimal area).

Follows products/cdp/backend/api/hog_function.py (HogFunctionViewSet, HogFunctionSerializer): the list and one
function, scope `hog_function:read`, under /api/projects/{id}/ and /api/environments/{id}/. Plugin configs create
hog functions here (`create` of a retired PostHog, `migrate`), from the templates in data/templates.json.

Per profile: the routes and the seeded functions exist only where `profile.hog_functions` (today's PostHog); on
an older PostHog the paths answer 404 "Endpoint not found.".
"""

from simulator.areas.hog_functions import routes  # noqa: F401
from simulator.areas.hog_functions.seed import seed

__all__ = ["seed"]
