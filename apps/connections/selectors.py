"""Reads of the portal's connections and of what PostHog offers through them: the switcher's projects and
environments, the current project, and what each connection's key was found to be allowed."""

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from apps.connections.capabilities import Refusal, Unavailable, capability_record
from apps.connections.context import PostHogContext
from apps.connections.models import Capability, CapabilityReport, Connection
from apps.posthog.actions import BY_KEY
from apps.posthog.client import api_path
from apps.posthog.errors import PermissionDenied, PostHogError

OPTIONS_TTL = 300


@dataclass(frozen=True)
class ScopeOptions:
    projects: list[tuple[str, str]]
    environments: list[tuple[str, str]]
    error: PostHogError | None = None


def connection_list() -> list[Connection]:
    return list(Connection.objects.all())


def scope_options(*, context: PostHogContext) -> ScopeOptions:
    """Projects of the connection's organization and environments of the current project, cached briefly; only
    what is configured when there is no connection."""
    connection = context.connection
    if connection is None:
        return ScopeOptions(projects=[], environments=[])
    cache_key = f"scope-options:{connection.pk}:{connection.updated_at.timestamp()}:{context.project_id}"
    if (cached := cache.get(cache_key)) is not None:
        return cached
    try:
        projects = [
            (str(p["id"]), p.get("name") or str(p["id"]))
            for p in context.client.paginate(
                api_path("organizations", context.organization_id, "projects"), max_items=200
            )
        ]
        environments = _environments(context, connection, projects)
    except PostHogError as error:
        # Keep the page working on what is configured; say why the lists are missing.
        return ScopeOptions(
            projects=[(context.project_id, context.project_id)],
            environments=[(context.environment_id, context.environment_id)],
            error=error,
        )
    options = ScopeOptions(projects=projects, environments=environments)
    cache.set(cache_key, options, OPTIONS_TTL)
    return options


def _environments(
    context: PostHogContext, connection: Connection, projects: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """The project's environments; newer PostHog has one per project and refuses the list ("Multiple environments
    per project are no longer available"), which is then the project's own."""
    path = api_path("projects", context.project_id, "environments")
    if context.unavailable.project_environments is None:
        try:
            return [(str(e["id"]), e.get("name") or str(e["id"])) for e in context.client.paginate(path, max_items=50)]
        except PermissionDenied as error:
            if "no longer available" not in error.detail:
                raise
            capability_record(
                connection=connection,
                action="project_environments",
                state=Capability.RETIRED,
                detail=error.detail,
                source=Capability.REQUEST,
            )
    environment = context.client.get(api_path("environments", context.project_id))
    name = environment.get("name") if isinstance(environment, dict) else None
    return [(str(context.project_id), str(name or dict(projects).get(str(context.project_id), context.project_id)))]


def project_get(*, context: PostHogContext) -> dict[str, Any]:
    """The current project as PostHog describes it."""
    return context.client.get(api_path("projects", context.project_id))


# The capabilities page's sections, in order: what stops people most first.
STATE_ORDER = (
    Capability.PERSONAL_KEY_REFUSED,
    Capability.MISSING_SCOPE,
    Capability.ACCESS_LEVEL,
    Capability.RETIRED,
    Capability.ALLOWED,
)


@dataclass(frozen=True)
class CapabilityItem:
    """One action on the capabilities page: what was learned of it, and why it is refused (None: it is not)."""

    label: str
    row: Capability
    refusal: Refusal | None


@dataclass(frozen=True)
class CapabilityGroup:
    """The actions in one state, under its title."""

    state: str
    title: str
    reason: str  # said once for the group (empty for what is allowed)
    items: list[CapabilityItem]


@dataclass(frozen=True)
class CapabilitiesPage:
    """What the last "Test connection" found (None: never tested), and what each action was found to be."""

    report: CapabilityReport | None
    groups: list[CapabilityGroup]


def capabilities_page(*, connection: Connection) -> CapabilitiesPage:
    """The last check's findings and every action the connection has learned about, grouped by why it is
    unavailable (the reason said once per group), for the capabilities page."""
    report = CapabilityReport.objects.filter(connection=connection).first()
    unavailable = Unavailable(connection=connection, project_id=connection.project_id)
    by_state: dict[str, list[CapabilityItem]] = {}
    for row in Capability.objects.filter(connection=connection):
        if row.action in BY_KEY:
            item = CapabilityItem(label=BY_KEY[row.action].label, row=row, refusal=unavailable.get(row.action))
            by_state.setdefault(row.state, []).append(item)
    titles = dict(Capability.STATES)
    groups = [
        CapabilityGroup(
            state=state,
            title=titles[state],
            reason=_group_reason(state, items[0]),
            items=sorted(items, key=lambda item: item.label),
        )
        for state in STATE_ORDER
        if (items := by_state.get(state))
    ]
    return CapabilitiesPage(report=report, groups=groups)


def _group_reason(state: str, first: CapabilityItem) -> str:
    """The reason a group's actions share, said once; a missing scope names a scope per action, so none."""
    return first.refusal.reason if first.refusal and state != Capability.MISSING_SCOPE else ""
