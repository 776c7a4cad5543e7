from django.urls import path

from apps.core.views import area_pending

app_name = "roles"

# Placeholder until the area's pages are built.
urlpatterns = [
    path("", area_pending, {"slug": "roles"}, name="list"),
]
