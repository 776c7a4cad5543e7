from django.urls import path

from apps.alerts.views import channels, notifications, rules

app_name = "alerts"
urlpatterns = [
    path("", rules.rule_list, name="rules"),
    path("new/", rules.rule_create, name="rule_create"),
    path("<int:pk>/", rules.rule_detail, name="rule"),
    path("<int:pk>/edit/", rules.rule_edit, name="rule_edit"),
    path("<int:pk>/delete/", rules.rule_delete, name="rule_delete"),
    path("<int:pk>/mute/", rules.rule_mute, name="rule_mute"),
    path("<int:pk>/snooze/", rules.rule_snooze, name="rule_snooze"),
    path("<int:pk>/test/<int:channel_pk>/", rules.rule_test, name="rule_test"),
    path("episodes/<int:pk>/acknowledge/", rules.alert_acknowledge, name="acknowledge"),
    path("channels/", channels.channel_list, name="channels"),
    path("channels/new/", channels.channel_create, name="channel_create"),
    path("channels/<int:pk>/edit/", channels.channel_edit, name="channel_edit"),
    path("channels/<int:pk>/delete/", channels.channel_delete, name="channel_delete"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.notifications_read_all, name="notifications_read"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
]
