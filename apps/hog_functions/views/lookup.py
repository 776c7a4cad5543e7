"""What every hog function page starts from: the function (or a 404), and its page in PostHog's app."""

from django.http import Http404

from apps.connections.request import PortalRequest
from apps.hog_functions import selectors
from apps.hog_functions.paths import hog_functions_path
from apps.hog_functions.selectors import HogFunction
from apps.posthog.actions import BY_KEY, app_url


def function_or_404(request: PortalRequest, function_id: str) -> HogFunction:
    function = selectors.hog_function_get(context=request.posthog, function_id=function_id)
    if function is None:
        raise Http404("PostHog has no hog function by this id in this project (it may have been deleted).")
    return function


def function_app_url(request: PortalRequest, function_id: str) -> str:
    """The function's page in PostHog's app, where a person signed in can do what PostHog refuses the key."""
    context = request.posthog
    host = context.connection.host if context.connection else ""
    path = hog_functions_path(context.project_id, function_id)
    return app_url(host=host, action=BY_KEY["hog_function_edit"], path=path, project_id=context.project_id)
