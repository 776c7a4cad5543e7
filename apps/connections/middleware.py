from django.utils.functional import SimpleLazyObject

from apps.connections.context import context_for_request


class PostHogContextMiddleware:
    """Puts `request.posthog` (connection, project, environment, client) on every request, lazily."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.posthog = SimpleLazyObject(lambda: context_for_request(request))
        return self.get_response(request)
