""" "Test connection": what this key can do on this PostHog, found out by asking PostHog, never by its version number.

Only reads and OPTIONS are sent (OPTIONS tells whether an endpoint exists, with no effect at all), so a check can
run at any time. What it finds is stored as the connection's CapabilityReport, and each action it settles as a
Capability, which pages consult.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils import timezone

from apps.connections.capabilities import capability_forget_retired, capability_record, learned_state
from apps.connections.models import Capability, CapabilityReport, Connection
from apps.posthog.actions import ACTIONS
from apps.posthog.client import PostHogClient, api_path
from apps.posthog.errors import EndpointNotFound, PermissionDenied, PersonalKeyRefused, PostHogError
from apps.posthog.paths import plugin_configs_path

# posthog/models/organization.py PluginsAccessLevel
ACCESS_LEVELS = {0: "None", 3: "Configure", 6: "Install", 9: "Root"}
INSTALL_LEVEL = 6
OK, REFUSED, ABSENT, INFO, WARN = "ok", "refused", "absent", "info", "warn"
# (label, scope object, path under the project/organization, query): one read per area, the least PostHog can send.
AREA_READS: tuple[tuple[str, str, str, dict], ...] = (
    ("Plugins", "plugin", "organization:plugins", {"limit": 1}),
    ("Plugin configs", "plugin", "project:plugin_configs", {"limit": 1}),
    ("Hog functions", "hog_function", "project:hog_functions", {"limit": 1}),
    ("Groups", "group", "project:groups_types", {}),
    ("Insights (sharing)", "insight", "project:insights", {"limit": 1}),
    ("Session recordings (sharing)", "session_recording", "project:session_recordings", {"limit": 1}),
    ("Project secret API keys", "project", "environment:project_secret_api_keys", {"limit": 1}),
    ("Roles", "organization", "organization:roles", {}),  # no query: some versions filter roles by every parameter
    ("Annotations", "annotation", "project:annotations", {"limit": 1}),
    ("Cohorts", "cohort", "project:cohorts", {"limit": 1}),
    ("File system", "file_system", "project:file_system", {"limit": 1}),
)


@dataclass(frozen=True)
class Finding:
    topic: str
    verdict: str  # ok, refused, absent, info, warn
    text: str


@dataclass
class CheckResult:
    ok: bool
    findings: list[Finding] = field(default_factory=list)
    error: PostHogError | None = None
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def found(self) -> list[str]:
        return [f"{finding.topic}: {finding.text}" for finding in self.findings]

    def count(self, verdict: str) -> int:
        return sum(1 for finding in self.findings if finding.verdict == verdict)


def connection_check(*, connection: Connection, client: PostHogClient) -> CheckResult:
    """Ask PostHog what this connection's key can reach and do, or exactly why it cannot; remember it."""
    result = CheckResult(ok=False)
    checker = _Checker(connection=connection, client=client, result=result)
    try:
        checker.run()
    except PostHogError as error:
        result.error = error
    else:
        result.ok = True
    CapabilityReport.objects.update_or_create(
        connection=connection,
        defaults={
            "checked_at": timezone.now(),
            "ok": result.ok,
            "facts": {
                "findings": [asdict(finding) for finding in result.findings],
                "error": result.error.user_message if result.error else "",
                **result.facts,
            },
        },
    )
    return result


class _Checker:
    def __init__(self, *, connection: Connection, client: PostHogClient, result: CheckResult) -> None:
        self.connection = connection
        self.client = client
        self.result = result
        self.organization_id = connection.organization_id or "@current"
        self.project_id = connection.project_id or "@current"
        self.environment_id = connection.environment_id or self.project_id
        self.scopes: list[str] | None = None
        self.config_id: int | None = None

    def note(self, topic: str, verdict: str, text: str) -> None:
        self.result.findings.append(Finding(topic, verdict, text))

    def run(self) -> None:
        # Without the organization and the project nothing else is worth asking: their failure ends the check.
        self.organization()
        self.projects()
        self.key()
        self.user()
        for label, scope_object, where, params in AREA_READS:
            self.area(label, scope_object, where, params)
        # What this version lacks first: an endpoint it does not have is not one the scope wall refuses.
        self.plugin_configs()
        self.endpoints()
        self.scope_wall()

    # Steps -------------------------------------------------------------------------------------------------

    def organization(self) -> None:
        organization = self.client.get(api_path("organizations", self.organization_id))
        self.organization_id = str(organization.get("id") or self.organization_id)
        self.note("Organization", OK, f"{organization.get('name', '?')} ({self.organization_id})")
        level = organization.get("plugins_access_level")
        if isinstance(level, int):
            name = ACCESS_LEVELS.get(level, str(level))
            self.result.facts["plugins_access_level"] = level
            if level < INSTALL_LEVEL:
                self.note(
                    "Plugin access level",
                    WARN,
                    f"{name}: plugins can be configured but not installed, edited, upgraded or uninstalled.",
                )
                for key in (
                    "plugin_install",
                    "plugin_edit",
                    "plugin_uninstall",
                    "plugin_upgrade",
                    "plugin_update_source",
                ):
                    self._settle(key, Capability.ACCESS_LEVEL, f"The organization's plugin access level is {name}.")
            else:
                self.note("Plugin access level", OK, f"{name}: plugins can be installed and configured.")

    def projects(self) -> None:
        projects = list(
            self.client.paginate(api_path("organizations", self.organization_id, "projects"), max_items=100)
        )
        names = ", ".join(f"{p.get('name', '?')} ({p.get('id')})" for p in projects[:10]) or "none"
        self.note("Projects the key can see", OK, f"{len(projects)}: {names}")
        if self.connection.project_id:
            project = self.client.get(api_path("projects", self.connection.project_id))
            self.note("Configured project", OK, f"{project.get('name', '?')} ({project.get('id')})")

    def key(self) -> None:
        answer = self._try(lambda: self.client.get(api_path("personal_api_keys", "@current")))
        if isinstance(answer, PostHogError):
            self.note("Key scopes", INFO, f"PostHog did not say ({answer.user_message})")
            return
        scopes = answer.get("scopes") if isinstance(answer, dict) else None
        if isinstance(scopes, list):
            self.scopes = [str(scope) for scope in scopes]
            self.result.facts["key_scopes"] = self.scopes
            shown = "all (*)" if "*" in self.scopes else ", ".join(self.scopes) or "none"
            self.note("Key scopes", OK, shown)

    def user(self) -> None:
        answer = self._try(lambda: self.client.get(api_path("users", "@me")))
        if isinstance(answer, PostHogError):
            self.note("Key owner", INFO, f"Not readable: {answer.user_message} (optional: pages do without it)")
            return
        self.note("Key owner", OK, f"{answer.get('first_name', '')} <{answer.get('email', '?')}>".strip())

    def area(self, label: str, scope_object: str, where: str, params: dict) -> None:
        level, name = where.split(":")
        parent = {"organization": ("organizations", self.organization_id), "project": ("projects", self.project_id)}
        parent["environment"] = ("environments", self.environment_id)
        answer = self._try(lambda: self.client.get(api_path(*parent[level], name), params=params or None))
        write = self._write_by_scopes(scope_object)
        if isinstance(answer, EndpointNotFound):
            self.note(label, ABSENT, "This PostHog does not offer it.")
        elif isinstance(answer, PostHogError):
            self.note(label, REFUSED, f"Not readable: {answer.user_message}")
        else:
            self.note(label, OK, f"Readable; {write}")
        if label == "Plugin configs" and isinstance(answer, dict):
            configs = [c for c in answer.get("results") or [] if isinstance(c, dict) and c.get("id") is not None]
            self.config_id = configs[0]["id"] if configs else None

    def scope_wall(self) -> None:
        """One harmless read that PostHog declares no scope for: refused, and every such action is (the same check
        in PostHog refuses them all); answered, and the key is one made before scopes, which passes everywhere."""
        path = api_path("organizations", self.organization_id, "projects", self.project_id, "is_generating_demo_data")
        answer = self._try(lambda: self.client.get(path))
        walled = [action for action in ACTIONS if not action.declares_scope]
        if isinstance(answer, PersonalKeyRefused):
            refused = [
                action
                for action in walled
                if self._settle(
                    action.key,
                    Capability.PERSONAL_KEY_REFUSED,
                    "PostHog refused the check's request of the same kind (an action that declares no scope): "
                    f"“{answer.detail}”",
                    keep_known=True,
                )
                == Capability.PERSONAL_KEY_REFUSED
            ]
            self.note(
                "Actions PostHog refuses to personal API keys",
                WARN,
                f"{len(refused)} (whatever the key's scopes): " + ", ".join(action.label for action in refused) + ".",
            )
        elif isinstance(answer, PostHogError):
            self.note("Actions without a declared scope", INFO, f"Could not tell: {answer.user_message}")
        else:
            self.note("Actions without a declared scope", OK, "This key may use them (a key made before scopes).")
            for action in walled:
                self._settle(
                    action.key,
                    Capability.ALLOWED,
                    "PostHog answered the check's request of the same kind.",
                    keep_known=True,
                )

    def plugin_configs(self) -> None:
        """Whether PostHog reports delivery rates, and how its plugin logs page."""
        config_id = self.config_id
        if config_id is None:
            self.note("Plugin config behaviour", INFO, "No plugin config to look at.")
            return
        config = self._try(lambda: self.client.get(plugin_configs_path(self.project_id, config_id)))
        if isinstance(config, dict):
            reported = "delivery_rate_24h" in config
            self.result.facts["delivery_rate_reported"] = reported
            self._settle(
                "plugin_config_delivery_rate",
                Capability.ALLOWED if reported else Capability.RETIRED,
                "" if reported else "PostHog's plugin configs carry no delivery_rate_24h.",
            )
            self.note(
                "Delivery rate",
                OK if reported else INFO,
                "Reported by PostHog (delivery_rate_24h)."
                if reported
                else "Not reported: this PostHog no longer sends delivery_rate_24h; the portal shows none.",
            )
        logs_path = plugin_configs_path(self.project_id, config_id, "logs")
        first = self._try(lambda: self.client.get(logs_path, params={"limit": 1}))
        if isinstance(first, PostHogError) or not isinstance(first, dict):
            return
        if first.get("next"):
            paging = "offset"
            text = "PostHog pages plugin logs by offset; the portal pages them by time, which every version supports."
        elif len(first.get("results") or []) == 1 and self._more_than_one(logs_path):
            paging = "time"
            text = (
                "This PostHog reads only `limit` rows and ignores offset: logs page by time only "
                "(the portal always pages by time)."
            )
        else:
            paging = "unknown"
            text = "Too few entries to tell; the portal pages logs by time, which every version supports."
        self.result.facts["log_paging"] = paging
        self.note("Plugin log paging", INFO, text)

    def endpoints(self) -> None:
        """Endpoints some versions lack, asked with OPTIONS (no effect) or a read."""
        probes: list[tuple[str, str, Callable[[], Any]]] = [
            (
                "group_property_definitions",
                "Group property names (groups' property_definitions)",
                lambda: self.client.get(
                    api_path("projects", self.project_id, "groups", "property_definitions"),
                    params={"group_type_index": 0},
                ),
            ),
            (
                "hog_functions",
                "Hog functions",
                lambda: self.client.get(api_path("projects", self.project_id, "hog_functions"), params={"limit": 1}),
            ),
            (
                "project_environments",
                "Environments of a project",
                lambda: self.client.get(api_path("projects", self.project_id, "environments")),
            ),
        ]
        if (config_id := self.config_id) is not None:
            job_path = plugin_configs_path(self.project_id, config_id, "job")
            migrate_path = plugin_configs_path(self.project_id, config_id, "migrate")
            probes += [
                ("plugin_config_job", "Plugin jobs", lambda: self.client.request("OPTIONS", job_path)),
                (
                    "plugin_config_migrate",
                    "Migrating plugin configs to hog functions",
                    lambda: self.client.request("OPTIONS", migrate_path),
                ),
                (
                    "app_metrics",
                    "App metrics of plugin configs",
                    lambda: self.client.get(api_path("projects", self.project_id, "app_metrics", config_id)),
                ),
            ]
        for key, label, ask in probes:
            answer = self._try(ask)
            if isinstance(answer, EndpointNotFound):
                self._settle(key, Capability.RETIRED, answer.detail)
                self.note(label, ABSENT, "This PostHog does not offer it.")
            elif isinstance(answer, PermissionDenied) and "no longer available" in answer.detail:
                self._settle(key, Capability.RETIRED, answer.detail)
                self.note(label, ABSENT, f"This PostHog no longer offers it: “{answer.detail}”")
            elif isinstance(answer, PostHogError):
                learned = learned_state(answer)
                if learned and key not in ("plugin_config_job", "plugin_config_migrate"):
                    self._settle(key, *learned)
                self.note(label, REFUSED, answer.user_message)
            else:
                if key in ("plugin_config_job", "plugin_config_migrate"):
                    # OPTIONS: the endpoint exists (an upgraded PostHog may have it again), nothing more.
                    capability_forget_retired(connection=self.connection, action=key)
                else:
                    self._settle(key, Capability.ALLOWED, "")
                self.note(label, OK, "Offered by this PostHog.")

    # Helpers -----------------------------------------------------------------------------------------------

    def _try(self, ask: Callable[[], Any]) -> Any:
        try:
            return ask()
        except PostHogError as error:
            return error

    def _write_by_scopes(self, scope_object: str) -> str:
        if self.scopes is None:
            return "writes depend on the key's scopes, which PostHog did not say"
        if "*" in self.scopes or f"{scope_object}:write" in self.scopes:
            return "writable as far as the key's scopes go"
        return f"not writable: the key lacks {scope_object}:write"

    def _more_than_one(self, logs_path: str) -> bool:
        answer = self._try(lambda: self.client.get(logs_path, params={"limit": 2}))
        return isinstance(answer, dict) and len(answer.get("results") or []) == 2

    def _settle(self, action: str, state: str, detail: str, *, keep_known: bool = False) -> str:
        """Record what the check found, and answer the state the action is in now: an inference never overrides
        what PostHog said of that very action."""
        if keep_known:
            known = Capability.objects.filter(connection=self.connection, action=action).first()
            if known is not None and known.state != state:
                if known.state == Capability.RETIRED:
                    return known.state  # no endpoint at all: nothing about the key matters
                if known.state == Capability.MISSING_SCOPE and known.learned_from == Capability.REQUEST:
                    return known.state  # PostHog said so of this very action
                if known.state == Capability.ACCESS_LEVEL and state == Capability.ALLOWED:
                    return known.state  # past the scope wall, the access level still refuses it
        source = Capability.INFERRED if keep_known else Capability.PROBE
        capability_record(connection=self.connection, action=action, state=state, detail=detail, source=source)
        return state
