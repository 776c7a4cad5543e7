from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """Audit events are never changed or deleted; only the retention pruner removes old ones."""

    def __init__(self, what: str):
        super().__init__(f"The audit trail is append-only: audit events cannot be {what}.")


class AuditEventQuerySet(models.QuerySet):
    """The default manager's rows refuse bulk changes. (Deleting a user or connection nulls its foreign key
    through Django's base manager, which this does not replace; the database trigger lets exactly that through.)"""

    def update(self, **kwargs):
        raise AppendOnlyError("updated")

    def delete(self):
        raise AppendOnlyError("deleted")


class AuditEvent(models.Model):
    """One write, through the PostHog client or to the portal's own settings, and how it ended."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", "Succeeded"
        FAILURE = "failure", "Failed"
        # PostHog answered as done but kept other values than were sent: nothing there changed.
        NOT_KEPT = "not_kept", "Not kept by PostHog"
        # The write was sent, its answer lost, and reading it back could not tell whether PostHog made it.
        UNKNOWN = "unknown", "Unknown — check PostHog"

    # A default rather than auto_now_add: an import of an older trail can say when its events happened.
    created_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # Kept as text too, so the trail still names the person after the account is gone.
    actor_name = models.CharField(max_length=150)
    connection = models.ForeignKey("connections.Connection", null=True, blank=True, on_delete=models.SET_NULL)
    connection_name = models.CharField(max_length=100, blank=True)
    area = models.CharField(max_length=50, db_index=True)
    object_id = models.CharField(max_length=200, blank=True)
    # The object's name when the write was made, kept so the trail still names it once it is renamed or gone.
    object_name = models.CharField(max_length=200, blank=True, default="", db_default="")
    # What the write did, as a verb (apps/audit/actions.py): "disable", "delete", "restore"…
    action = models.CharField(max_length=30, blank=True, default="", db_default="")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_body = models.JSONField(null=True, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    # For a write whose answer was lost: what reading it back found ("applied", "not applied", "unknown";
    # apps/posthog/settle.py); "" when PostHog's answer said it.
    settled = models.CharField(max_length=12, blank=True, default="", db_default="")
    # Where to check a write whose outcome stayed unknown: the object in PostHog's app, or the connection's host.
    check_url = models.CharField(max_length=500, blank=True, default="", db_default="")

    objects = AuditEventQuerySet.as_manager()
    # Only the retention pruner (apps/audit/prune.py) deletes, through this manager and with the trigger's consent.
    pruning = models.Manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["area", "object_id"]),
            # The audit page: newest first, keyset on (created_at, id), whole or for one person.
            models.Index(fields=["-created_at", "-id"], name="audit_event_time"),
            models.Index(fields=["actor_name", "-created_at", "-id"], name="audit_event_actor_time"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.method} {self.path} ({self.outcome})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("deleted")
