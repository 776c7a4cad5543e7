"""What the pollers keep of PostHog beyond its retention: plugin logs, delivery rates and activity, hog function
logs and run counts, and batch export runs.

Every row carries the connection it came from and the project (of the connection's watched ones) it belongs to;
ids from PostHog are unique per connection, so a re-poll, a retried task or a second worker can only ever insert a
row once.
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


class LogCursorState(models.Model):
    """How far a log poller has read one source's logs (apps/history/log_poller.py explains the fields), and when it
    reads them next: the same for a plugin config's cursor and a hog function's."""

    newest_timestamp = models.DateTimeField(null=True, blank=True)
    catchup_before = models.DateTimeField(null=True, blank=True)
    catchup_newest = models.DateTimeField(null=True, blank=True)
    polled_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    entries_stored = models.BigIntegerField(default=0)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        abstract = True


class LogCursor(LogCursorState):
    """How far the log poller has read one plugin config; moved in the same transaction as the rows it covers.

    Everything up to `newest_timestamp` is stored. A backlog too large for one poll is read newest first in
    several polls: `catchup_before` is where the next one continues down to `newest_timestamp`, and
    `catchup_newest` the newest entry seen, which becomes `newest_timestamp` once the gap is closed.
    """

    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    project_id = models.CharField(max_length=40)
    plugin_config_id = models.BigIntegerField()
    config_name = models.CharField(max_length=400, blank=True)

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
            # A chart over more than RAW_RANGE reads one config's hourly rows alone, of any project: 720 entries for
            # 30 days, not the 9,360 raw and hourly ones the index above holds for them.
            models.Index(
                fields=["connection", "plugin_config_id", "resolution", "taken_at"], name="delivery_config_resolution"
            ),
            # The overview reads one resolution over a range; the pruner finds old rows by age.
            models.Index(fields=["connection", "resolution", "taken_at"], name="delivery_resolution_time"),
        ]


class DeliveryDay(models.Model):
    """A config's delivery over one UTC day, as its eight periods of 3 hours (apps/history/periods.py): for each,
    the mean of its hourly means (every hour weighs the same), the lowest of them, and how many hours had a rate.

    Kept current from the hourly rows whenever they change (apps/history/delivery.py), so the overview reads 8 rows
    a config for a week and aggregates nothing. `day` counts days since 1970-01-01 UTC; the periods are packed into
    one value (`periods`), because a row per period made a 5,000-config overview read and build 280,000 rows.
    """

    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    project_id = models.CharField(max_length=40)
    plugin_config_id = models.BigIntegerField()
    day = models.BigIntegerField()
    periods = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "project_id", "plugin_config_id", "day"], name="delivery_day_once"
            )
        ]
        # The overview reads every config's days of a range, of every project or of one, from the index alone
        # (PostgreSQL); the pruner finds old ones.
        indexes = [
            models.Index(
                fields=["connection", "day"], name="delivery_day_time", include=["plugin_config_id", "periods"]
            ),
            models.Index(
                fields=["connection", "project_id", "day"],
                name="delivery_day_project",
                include=["plugin_config_id", "periods"],
            ),
        ]


class ActivitySnapshot(models.Model):
    """One PostHog activity entry (plugins, plugin configs, groups), kept after PostHog forgets it."""

    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    # The project a group's entry came from; empty for the organization's plugin activity, and for entries kept
    # before the pollers watched several projects.
    project_id = models.CharField(max_length=64, blank=True, default="")
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
        HOG_LOGS = "hog_logs", "Hog function logs"
        HOG_METRICS = "hog_metrics", "Hog function runs"
        EXPORT_RUNS = "export_runs", "Batch export runs"
        PRUNE = "prune", "Pruning"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        OK = "ok", "Succeeded"
        PARTIAL = "partial", "Partly failed"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    kind = models.CharField(max_length=20, choices=Kind.choices)
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

    @property
    def problems(self) -> int:
        """What a run that succeeded still could not do (apps/history/runs.py keeps its notes in `error`, one a
        line: plugin activity PostHog refused, a project it could not watch): 0 for any other run."""
        if self.status != self.Status.OK:
            return 0
        return sum(1 for line in self.error.splitlines() if line.strip())

    @property
    def status_label(self) -> str:
        """The status as a person reads it: a run that recorded a problem is never called plainly "Succeeded"."""
        if self.problems:
            return f"Done, with {self.problems} problem{'s' if self.problems > 1 else ''}"
        return self.get_status_display()


class HogFunctionLogCursor(LogCursorState):
    """How far the hog-function log poller has read one function, as LogCursor does for a plugin config (the same
    fields, the same meaning); moved in the same transaction as the rows it covers."""

    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    project_id = models.CharField(max_length=40)
    function_id = models.CharField(max_length=64)
    function_name = models.CharField(max_length=400, blank=True)
    function_type = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "project_id", "function_id"], name="hog_log_cursor_once")
        ]


class HogFunctionLogEntry(models.Model):
    """One log entry of a hog function. PostHog's entries carry no id (posthog/api/log_entries.py LogEntry), so
    `entry_key` is made of what the entry holds, with the entry's rank among identical ones of its instant: a re-read
    page (the overlap, a retried poll) can only ever insert an entry once (apps/history/hog_logs.py)."""

    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    project_id = models.CharField(max_length=40)
    function_id = models.CharField(max_length=64)
    entry_key = models.CharField(max_length=64)
    timestamp = models.DateTimeField()
    level = models.CharField(max_length=8)
    message = models.TextField()
    instance_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "function_id", "entry_key"], name="hog_log_entry_once")
        ]
        indexes = [
            models.Index(fields=["connection", "function_id", "-timestamp", "-id"], name="hog_log_function_time"),
            models.Index(fields=["connection", "-timestamp", "-id"], name="hog_log_connection_time"),
        ]


class HogFunctionMetricSnapshot(models.Model):
    """A hog function's runs in one UTC hour, by outcome, as PostHog's app metrics counted them when last polled
    (an hour still going is counted again at the next poll): one row per function and hour."""

    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    project_id = models.CharField(max_length=40)
    function_id = models.CharField(max_length=64)
    function_name = models.CharField(max_length=400, blank=True)
    function_type = models.CharField(max_length=40, blank=True)
    hour = models.DateTimeField()
    succeeded = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    filtered = models.PositiveIntegerField(default=0)
    taken_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "project_id", "function_id", "hour"], name="hog_metric_snapshot_once"
            )
        ]
        indexes = [models.Index(fields=["connection", "function_id", "hour"], name="hog_metric_function_hour")]

    @property
    def success_rate(self) -> float | None:
        """Succeeded out of the runs that succeeded or failed; None when none ran (no runs is not a rate)."""
        runs = self.succeeded + self.failed
        return self.succeeded / runs if runs else None


class BatchExportRunRecord(models.Model):
    """A batch export run as PostHog last described it, kept after PostHog's list forgets it (seven days): upserted
    by PostHog's run id while the run progresses."""

    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    project_id = models.CharField(max_length=40)
    export_id = models.CharField(max_length=64)
    export_name = models.CharField(max_length=400, blank=True)
    run_id = models.CharField(max_length=64)
    status = models.CharField(max_length=32)
    data_interval_start = models.DateTimeField(null=True, blank=True)
    data_interval_end = models.DateTimeField(null=True, blank=True)
    # None: PostHog did not count them (yet); never stored as a made-up zero.
    records_completed = models.BigIntegerField(null=True, blank=True)
    records_total = models.BigIntegerField(null=True, blank=True)
    bytes_exported = models.BigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    backfill_id = models.CharField(max_length=64, blank=True)
    polled_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "run_id"], name="export_run_once")]
        indexes = [
            models.Index(fields=["connection", "export_id", "-created_at"], name="export_run_export_time"),
            models.Index(fields=["connection", "-created_at", "-id"], name="export_run_connection_time"),
        ]
