from django.urls import path

from apps.plugins.views import config_detail, config_form, config_list, config_logs, plugins

app_name = "plugins"

urlpatterns = [
    # Organization plugins
    path("plugins/", plugins.plugin_list, name="list"),
    path("plugins/install/", plugins.plugin_install, name="install"),
    path("plugins/activity/", plugins.plugin_activity, name="activity"),
    path("plugins/<int:plugin_id>/", plugins.plugin_detail, name="detail"),
    path("plugins/<int:plugin_id>/usage/", plugins.plugin_usage, name="usage"),
    path("plugins/<int:plugin_id>/edit/", plugins.plugin_edit, name="edit"),
    path("plugins/<int:plugin_id>/delete/", plugins.plugin_delete, name="delete"),
    path("plugins/<int:plugin_id>/check-for-updates/", plugins.plugin_check_for_updates, name="check_for_updates"),
    path("plugins/<int:plugin_id>/upgrade/", plugins.plugin_upgrade, name="upgrade"),
    path("plugins/<int:plugin_id>/source/", plugins.plugin_source, name="source"),
    path("plugins/<int:plugin_id>/source/edit/", plugins.plugin_source_edit, name="source_edit"),
    # Project plugin configs
    path("plugin-configs/", config_list.config_list, name="configs"),
    path("plugin-configs/rearrange/", config_list.config_rearrange, name="config_rearrange"),
    path("plugin-configs/undo/<str:token>/", config_list.config_undo, name="config_undo"),
    path("plugin-configs/bulk/", config_list.config_bulk, name="config_bulk"),
    path("plugin-configs/new/", config_form.config_create, name="config_create"),
    path("plugin-configs/<int:config_id>/", config_detail.config_detail, name="config_detail"),
    path("plugin-configs/<int:config_id>/enabled/", config_list.config_enabled_set, name="config_enabled"),
    path("plugin-configs/<int:config_id>/delete/", config_list.config_delete, name="config_delete"),
    path("plugin-configs/<int:config_id>/edit/", config_form.config_edit, name="config_edit"),
    path("plugin-configs/<int:config_id>/activity/", config_detail.config_activity, name="config_activity"),
    path("plugin-configs/<int:config_id>/frontend/", config_detail.config_frontend, name="config_frontend"),
    path("plugin-configs/<int:config_id>/job/", config_detail.config_job, name="config_job"),
    path("plugin-configs/<int:config_id>/migrate/", config_detail.config_migrate, name="config_migrate"),
    path("plugin-configs/<int:config_id>/logs/", config_logs.config_logs, name="config_logs"),
    path("plugin-configs/<int:config_id>/logs/entries/", config_logs.config_log_entries, name="config_log_entries"),
]
