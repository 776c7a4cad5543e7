"""What the pollers keep of PostHog beyond its retention: plugin logs, delivery rates and activity.

Every row carries the connection it came from; ids from PostHog are unique per connection, so a re-poll,
a retried task or a second worker can only ever insert a row once.
"""

from django.db import models


class PluginLogEntry(models.Model):
    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    project_id = models.CharField(max_length=40)
    plugin_config_id = models.BigIntegerField()
    entry_id = models.CharField(max_length=64)  # PostHog's id of the entry
    timestamp = models.DateTimeField()
    source = models.CharField(max_length=16)
    type = models.CharField(max_length=8)
    message = models.TextField()
    instance_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "entry_id"], name="log_entry_once")]
        indexes = [
            # The explorer's pages: one config, newest first, keyset on (timestamp, id).
            models.Index(fields=["connection", "plugin_config_id", "-timestamp", "-id"], name="log_config_time"),
            models.Index(
                fields=["connection", "plugin_config_id", "type", "-timestamp", "-id"], name="log_config_type_time"
            ),
            # "All configs" pages of the explorer, and the pruner finding old rows.
            models.Index(fields=["connection", "-timestamp", "-id"], name="log_connection_time"),
        ]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M:%S} {self.type} {self.message[:60]}"


class LogCursor(models.Model):
    """How far the log poller has read one plugin config; moved in the same transaction as the rows it covers.

    Everything up to `newest_timestamp` is stored. A backlog too large for one poll is read newest first in
    several polls: `catchup_before` is where the next one continues down to `newest_timestamp`, and
    `catchup_newest` the newest entry seen, which becomes `newest_timestamp` once the gap is closed.
    """

    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    project_id = models.CharField(max_length=40)
    plugin_config_id = models.BigIntegerField()
    config_name = models.CharField(max_length=400, blank=True)
    newest_timestamp = models.DateTimeField(null=True, blank=True)
    catchup_before = models.DateTimeField(null=True, blank=True)
    catchup_newest = models.DateTimeField(null=True, blank=True)
    polled_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    entries_stored = models.BigIntegerField(default=0)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "project_id", "plugin_config_id"], name="log_cursor_once")
        ]


class DeliverySnapshot(models.Model):
    """A config's 24-hour delivery rate (or None: no metrics) and enabled state at one moment.

    `resolution` is 0 for a raw poll and 3600 for an hour's mean, kept current as raw rows arrive
    (`samples` counts the rates in it), so long ranges never aggregate raw rows; the pruner deletes raw
    rows once they are old.
    """

    RAW = 0
    HOURLY = 3600

    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    project_id = models.CharField(max_length=40)
    plugin_config_id = models.BigIntegerField()
    config_name = models.CharField(max_length=400, blank=True)
    taken_at = models.DateTimeField()
    delivery_rate = models.FloatField(null=True, blank=True)
    enabled = models.BooleanField()
    resolution = models.PositiveIntegerField(default=RAW)
    samples = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "project_id", "plugin_config_id", "resolution", "taken_at"],
                name="delivery_snapshot_once",
            )
        ]
        indexes = [
            models.Index(fields=["connection", "plugin_config_id", "taken_at"], name="delivery_config_time"),
            # The overview reads one resolution over a range; the pruner finds old rows by age.
            models.Index(fields=["connection", "resolution", "taken_at"], name="delivery_resolution_time"),
        ]


class ActivitySnapshot(models.Model):
    """One PostHog activity entry (plugins, plugin configs, groups), kept after PostHog forgets it."""

    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=40)  # PostHog's: Plugin, PluginConfig, Group
    activity_id = models.CharField(max_length=64)
    item_id = models.CharField(max_length=200, blank=True)
    activity = models.CharField(max_length=80)
    created_at = models.DateTimeField(db_index=True)
    user_name = models.CharField(max_length=200, blank=True)
    user_email = models.CharField(max_length=254, blank=True)
    entry = models.JSONField()  # the whole entry as PostHog sent it
    # The portal write that caused it (apps/history/linking.py), when one did: PostHog credits it to the key's owner.
    audit_event = models.ForeignKey(
        "audit.AuditEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="activity_entries"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "scope", "activity_id"], name="activity_snapshot_once")
        ]
        indexes = [models.Index(fields=["connection", "scope", "item_id", "-created_at"], name="activity_item_time")]


class PollRun(models.Model):
    """One run of a polling task: what it stored, what it cost, and what failed."""

    class Kind(models.TextChoices):
        LOGS = "logs", "Plugin logs"
        DELIVERY = "delivery", "Delivery rates"
        ACTIVITY = "activity", "Activity"
        PRUNE = "prune", "Pruning"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        OK = "ok", "Succeeded"
        PARTIAL = "partial", "Partly failed"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    connection = models.ForeignKey(
        "connections.Connection", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    items_stored = models.PositiveIntegerField(default=0)
    requests_made = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["kind", "-started_at"], name="poll_run_kind_time")]
