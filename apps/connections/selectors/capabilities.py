"""The capabilities page's reads: what each connection's key was found to be allowed on its PostHog."""

from dataclasses import dataclass

from apps.connections.capabilities import Refusal, Unavailable
from apps.connections.models import Capability, CapabilityReport, Connection
from apps.posthog.actions import BY_KEY

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
