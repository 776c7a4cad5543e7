from django.urls import path

from apps.history import views

app_name = "history"

urlpatterns = [
    path("", views.status, name="status"),
    path("runs/", views.status_runs, name="status_runs"),
    path("poll/<slug:kind>/", views.poll_now, name="poll_now"),
    path("schedules/<int:task_id>/", views.schedule_edit, name="schedule_edit"),
    path("delivery/", views.delivery_overview, name="delivery_overview"),
    path("delivery/<int:config_id>/", views.delivery_config, name="delivery_config"),
    path("logs/", views.logs, name="logs"),
    path("logs.csv", views.logs_csv, name="logs_csv"),
    path("last-errors/", views.config_last_errors, name="config_last_errors"),
]
