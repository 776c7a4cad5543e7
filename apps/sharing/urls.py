from django.urls import path

from apps.core.views import area_pending

app_name = "sharing"

# Placeholder until the area's pages are built.
urlpatterns = [
    path("insights/", area_pending, {"slug": "insight_sharing"}, name="insights"),
    path("recordings/", area_pending, {"slug": "recording_sharing"}, name="recordings"),
]
