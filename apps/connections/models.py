from django.conf import settings
from django.db import models

from apps.core.fields import EncryptedTextField

US_CLOUD = "https://us.posthog.com"
EU_CLOUD = "https://eu.posthog.com"


class Connection(models.Model):
    """A PostHog instance and the personal API key the portal uses on it."""

    name = models.CharField(max_length=100, unique=True)
    host = models.URLField(max_length=300, help_text="US cloud, EU cloud or your self-hosted URL.")
    api_key = EncryptedTextField(help_text="A personal API key (phx_…). Write-only: it is never shown again.")
    api_key_hint = models.CharField(max_length=12, blank=True, editable=False)
    organization_id = models.CharField(max_length=64, default="@current")
    project_id = models.CharField(max_length=64, blank=True)
    environment_id = models.CharField(max_length=64, blank=True)
    from_environment = models.BooleanField(
        default=False, editable=False, help_text="Created from the POSTHOG_* settings of the server."
    )
    # What the history pollers do with a project environment no WatchedProject row names (every one, until an Admin
    # chooses; then the projects PostHog reports later): watch it, or leave it out.
    watch_new_projects = models.BooleanField(
        default=True, help_text="Projects PostHog reports later are watched by the history pollers."
    )
    # The connection a session works on until its person picks one. Set only by an Admin's "Make default" (or for
    # the first connection there is), never by a name: ordering by name let a new "=…" connection take everyone.
    is_default = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="at_most_one_default_connection"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def set_api_key(self, key: str) -> None:
        self.api_key = key
        self.api_key_hint = f"…{key[-4:]}" if len(key) >= 12 else "…"

    @property
    def host_label(self) -> str:
        return {US_CLOUD: "US cloud", EU_CLOUD: "EU cloud"}.get(self.host.rstrip("/"), self.host)

    def audit_state(self) -> dict:
        """What the audit trail keeps of a connection: everything but the key."""
        return {
            "name": self.name,
            "host": self.host,
            "organization_id": self.organization_id,
            "project_id": self.project_id,
            "environment_id": self.environment_id,
            "api_key": self.api_key_hint,
        }


class Capability(models.Model):
    """What this connection's key may do with one PostHog action (apps.posthog.actions), as PostHog answered it:
    learned from every answer the portal gets and from "Test connection"."""

    ALLOWED = "allowed"
    PERSONAL_KEY_REFUSED = "personal_key_refused"
    MISSING_SCOPE = "missing_scope"
    ACCESS_LEVEL = "access_level"
    RETIRED = "retired"
    STATES = [
        (ALLOWED, "Allowed"),
        (PERSONAL_KEY_REFUSED, "Refused to personal API keys"),
        (MISSING_SCOPE, "The key lacks a scope"),
        (ACCESS_LEVEL, "Refused by the plugin access level"),
        (RETIRED, "Not offered by this PostHog"),
    ]
    PROBE, REQUEST, INFERRED = "probe", "request", "inferred"
    SOURCES = [(PROBE, "Test connection"), (REQUEST, "A request of the portal"), (INFERRED, "Inferred")]

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="capabilities")
    action = models.CharField(max_length=64)
    state = models.CharField(max_length=24, choices=STATES)
    detail = models.TextField(blank=True, help_text="PostHog's own words, or how the state was inferred.")
    learned_from = models.CharField(max_length=12, choices=SOURCES)
    learned_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "action"], name="one_capability_per_action")]
        ordering = ["action"]

    def __str__(self) -> str:
        return f"{self.action}: {self.state}"

    @property
    def refused(self) -> bool:
        return self.state != self.ALLOWED


class CapabilityReport(models.Model):
    """What the last "Test connection" found out about this PostHog and key, as shown on the capabilities page."""

    connection = models.OneToOneField(Connection, on_delete=models.CASCADE, related_name="capability_report")
    checked_at = models.DateTimeField()
    ok = models.BooleanField(default=False)
    facts = models.JSONField(default=dict)


class WatchedProject(models.Model):
    """An Admin's choice for one project environment of a connection: read by the history pollers, or not.

    Stored as a row per environment an Admin was shown, rather than one list with an "all" flag: a project
    environment no row names follows the connection's `watch_new_projects`. So a connection nobody chose for has no
    rows and watches every project its key can see, and a project created after the Admin's choice is watched
    unless the Admin unticked "watch new projects"; a choice survives PostHog renaming the project, and stays in
    place if PostHog briefly stops listing it. `environment_id == project_id` is the project's own (primary)
    environment, the only one a project has on today's PostHog. `name` and `environment_name` are PostHog's names
    as last seen (the environment's only where the project has several), so pages name a project without asking
    PostHog.
    """

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="watched_projects")
    project_id = models.CharField(max_length=64)
    environment_id = models.CharField(max_length=64)
    name = models.CharField(max_length=400, blank=True)
    environment_name = models.CharField(max_length=400, blank=True)
    watched = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "project_id", "environment_id"], name="one_watch_choice_per_environment"
            )
        ]
        ordering = ["connection", "project_id", "environment_id"]

    def __str__(self) -> str:
        name = self.name or f"Project {self.project_id}"
        return f"{name} · {self.environment_name}" if self.environment_name else name
