from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "apps.history"
    verbose_name = "History"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from apps.audit.signals import audit_event_recorded
        from apps.history.linking import audit_event_recorded_link

        # A write recorded after the activity poller stored PostHog's entry of it is linked to that entry here.
        audit_event_recorded.connect(audit_event_recorded_link, dispatch_uid="history-link-recorded-write")
