from apps.connections.models import Connection


def posthog_context(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "posthog": request.posthog,
        "switcher_connections": Connection.objects.only("pk", "name"),
    }
