from django.urls import path

from apps.history.views import logs, pipeline, stored

app_name = "history"

urlpatterns = [
    path("", stored.status, name="status"),
    path("runs/", stored.status_runs, name="status_runs"),
    path("poll/<slug:kind>/", stored.poll_now, name="poll_now"),
    path("schedules/<int:task_id>/", stored.schedule_edit, name="schedule_edit"),
    path("delivery/", stored.delivery_overview, name="delivery_overview"),
    path("delivery/<int:config_id>/", stored.delivery_config, name="delivery_config"),
    path("pipeline/", pipeline.pipeline_health, name="pipeline"),
    path("delivery/functions/<uuid:function_id>/", pipeline.function_chart, name="function_chart"),
    path("delivery/exports/<uuid:export_id>/", pipeline.export_chart, name="export_chart"),
    path("logs/", logs.logs, name="logs"),
    path("logs.csv", logs.logs_csv, name="logs_csv"),
    path("last-errors/", logs.config_last_errors, name="config_last_errors"),
]
