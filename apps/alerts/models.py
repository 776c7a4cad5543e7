"""Alerts: rules over what the pollers stored, the channels they notify, each episode of a rule's condition, every
notification handed to a channel, and the in-portal notifications.

A rule is evaluated on the portal's own database (no PostHog request): for each subject it covers (a plugin config,
hog function or batch export, a connection's poller, a key) its condition either holds or not. An `Alert` is one
episode of a condition holding for one subject: it starts (fire), may repeat while it lasts, and ends (resolve).
Every notification of an episode to a channel is a `Delivery` row whose `key` is unique, so an event is handed to a
channel at most once however many workers, retries or restarts there are.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.fields import EncryptedTextField


class Channel(models.Model):
    """Where notifications go. Slack and webhook URLs are secrets (they let anyone post): kept encrypted, never shown
    again in full."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        SLACK = "slack", "Slack incoming webhook"
        WEBHOOK = "webhook", "Webhook (JSON, signed)"
        PORTAL = "portal", "In the portal"

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Email: recipients, comma-separated. In the portal: nothing (the rule's owner and its recipients are told).
    addresses = models.TextField(blank=True)
    url = EncryptedTextField(blank=True)  # Slack / webhook
    signing_secret = EncryptedTextField(blank=True)  # webhook: HMAC-SHA256 key of the signature header
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    # What the channel's page shows: a failing channel says so with its last error.
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class AlertRule(models.Model):
    class Kind(models.TextChoices):
        RATE_BELOW = "rate_below", "Success / delivery rate below a threshold"
        ERRORS_ABOVE = "errors_above", "ERROR log entries above a count in a window"
        LOG_MATCHES = "log_matches", "A log entry matching a text"
        EXPORT_FAILED = "export_failed", "A batch export run failed"
        EXPORT_OVERDUE = "export_overdue", "No successful batch export run for its interval × N"
        CHANGED_OUTSIDE = "changed_outside", "Disabled, deleted or changed outside the portal"
        POLLER_STALE = "poller_stale", "The portal's pollers failing, throttled or behind"
        KEY_ROLLED = "key_rolled", "A secret key or project token rotated or rolled"

    class Scope(models.TextChoices):
        ITEM = "item", "One item"
        PROJECT = "project", "A project"
        ALL = "all", "Everything"

    class ItemType(models.TextChoices):
        PLUGIN_CONFIG = "plugin_config", "Plugin config"
        HOG_FUNCTION = "hog_function", "Hog function"
        BATCH_EXPORT = "batch_export", "Batch export"

    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.ALL)
    # A rule watches one connection's history; scope PROJECT names a project of it, ITEM one item of that project.
    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE)
    project_id = models.CharField(max_length=50, blank=True)
    item_type = models.CharField(max_length=20, choices=ItemType.choices, blank=True)
    item_id = models.CharField(max_length=100, blank=True)
    # The condition's numbers; which ones a kind reads is in apps/alerts/conditions.py.
    threshold = models.FloatField(null=True, blank=True)  # a rate, 0..1
    count = models.PositiveIntegerField(null=True, blank=True)  # entries in the window; interval × N
    minutes = models.PositiveIntegerField(default=15)  # how long / the window
    text = models.CharField(max_length=500, blank=True)
    repeat_minutes = models.PositiveIntegerField(default=60)  # at most one reminder per this while it lasts
    channels = models.ManyToManyField(Channel, blank=True, related_name="rules")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    muted = models.BooleanField(default=False)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_evaluated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Alert(models.Model):
    """One episode of a rule's condition holding for one subject, from its start to its end."""

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="alerts")
    subject = models.CharField(max_length=200)  # "plugin_config:1:8", "poller:3:logs", "secret_key:1:abc"
    subject_name = models.CharField(max_length=300, blank=True)
    link = models.CharField(max_length=500, blank=True)  # the portal page of the subject
    # When the condition started and ended by the time of the data (entries, snapshots, runs), not of evaluation.
    started_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    last_notified_at = models.DateTimeField(null=True, blank=True)
    notifications = models.PositiveIntegerField(default=0)  # fire + repeats sent so far: the next event's number
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    values = models.JSONField(default=dict)  # the numbers at the last evaluation: rate, count, threshold…
    message = models.TextField(blank=True)  # the last error, as stored

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            # One open episode per rule and subject: two evaluations at once cannot both open one.
            models.UniqueConstraint(
                fields=["rule", "subject"], condition=Q(resolved_at__isnull=True), name="alert_one_open_per_subject"
            )
        ]

    @property
    def open(self) -> bool:
        return self.resolved_at is None


class Delivery(models.Model):
    """One notification of one event (fire, repeat, resolve, test) to one channel."""

    class Event(models.TextChoices):
        FIRE = "fire", "Started"
        REPEAT = "repeat", "Still going"
        RESOLVE = "resolve", "Resolved"
        TEST = "test", "Test"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="deliveries")
    alert = models.ForeignKey(Alert, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=10, choices=Event.choices)
    # "<alert>:<event>:<number>:<channel>" (a test: "test:<uuid>:<channel>"): an event reaches a channel once.
    key = models.CharField(max_length=200, unique=True)
    payload = models.JSONField(default=dict)  # what is sent, built when the event happened
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # A worker sending holds the row until then; a worker killed mid-send leaves it to be taken again after.
    claimed_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]


class Notification(models.Model):
    """An alert shown in the portal to one person, with the unread count in the top bar."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_notifications")
    delivery = models.ForeignKey(Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    alert = models.ForeignKey(Alert, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]
