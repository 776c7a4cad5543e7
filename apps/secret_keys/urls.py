from django.urls import path

from apps.core.views import area_pending

app_name = "secret_keys"

# Placeholder until the area's pages are built.
urlpatterns = [
    path("", area_pending, {"slug": "secret_keys"}, name="list"),
]
