from django.urls import path

from apps.trail import views

app_name = "trail"

urlpatterns = [
    path("", views.trail, name="list"),
    path("export.csv", views.trail_csv, name="export"),
    path("history/", views.object_history, name="object_history"),
    path("<slug:source>/<int:entry_id>/", views.entry_detail, name="detail"),
]
