from django.urls import path

from apps.batch_exports import views

app_name = "batch_exports"

urlpatterns = [
    path("", views.batch_export_list, name="list"),
    path("<uuid:export_id>/", views.batch_export_detail, name="detail"),
    path("undo/<str:token>/", views.batch_export_undo, name="undo"),
    path("<uuid:export_id>/runs/", views.batch_export_runs, name="runs"),
    path("<uuid:export_id>/pause/", views.batch_export_act, {"action": "pause"}, name="pause"),
    path("<uuid:export_id>/unpause/", views.batch_export_act, {"action": "unpause"}, name="unpause"),
    path("<uuid:export_id>/backfill/", views.batch_export_backfill, name="backfill"),
    path("<uuid:export_id>/runs/<uuid:run_id>/logs/", views.batch_export_run_logs, name="run_logs"),
    path(
        "<uuid:export_id>/runs/<uuid:run_id>/retry/", views.batch_export_run_act, {"action": "retry"}, name="run_retry"
    ),
    path(
        "<uuid:export_id>/runs/<uuid:run_id>/cancel/",
        views.batch_export_run_act,
        {"action": "cancel"},
        name="run_cancel",
    ),
]
