from django.apps import AppConfig


class TrailConfig(AppConfig):
    """The audit trail's pages; the record itself (AuditEvent, recording, pruning) stays in apps.audit."""

    name = "apps.trail"
    label = "trail"
    verbose_name = "Audit trail pages"
