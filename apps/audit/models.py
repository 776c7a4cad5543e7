from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One write, through the PostHog client or to the portal's own settings, and how it ended."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", "Succeeded"
        FAILURE = "failure", "Failed"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # Kept as text too, so the trail still names the person after the account is gone.
    actor_name = models.CharField(max_length=150)
    connection = models.ForeignKey("connections.Connection", null=True, blank=True, on_delete=models.SET_NULL)
    connection_name = models.CharField(max_length=100, blank=True)
    area = models.CharField(max_length=50, db_index=True)
    object_id = models.CharField(max_length=200, blank=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_body = models.JSONField(null=True, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["area", "object_id"])]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.method} {self.path} ({self.outcome})"
