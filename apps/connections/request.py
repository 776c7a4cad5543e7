"""The request a portal view gets, typed: what the middleware adds to Django's request."""

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from apps.connections.context import PostHogContext


class PortalRequest(HttpRequest):
    """For annotations only (views take `request: PortalRequest`); Django still hands views its own request.

    `htmx` comes from django-htmx's middleware, `posthog` (the connection, project and environment picked in the
    switcher) from apps/connections/middleware.py, `user` from the sign-in every page requires."""

    htmx: HtmxDetails
    posthog: PostHogContext
    user: User | AnonymousUser
