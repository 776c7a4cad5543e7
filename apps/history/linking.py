"""Links between PostHog's activity entries and the portal writes that caused them.

PostHog credits a change made with an API key to the key's owner; the portal knows who really made it. An entry
of a plugin, plugin config or group (stored by apps/history/activity.py) is linked to the successful audit event
that caused it by the rule in apps/audit/attribution.py (the same connection, area and object, within the write's
window; the nearest wins), which the object pages also apply to the entries they read live. One write may cause several entries (a config's settings and
its switch, say), so an event may have several; an entry has at most one.

Links are made whichever arrives second: when the poller stores entries, and when a write is recorded after the
poller stored its entry. Only unlinked entries are linked, each with a conditional UPDATE, so linking again (or
two processes at once) never moves a link or links an entry twice.
"""

from collections.abc import Iterable

from django.db.models import Q

from apps.audit.attribution import (
    CLOCK_TOLERANCE,
    LINK_WINDOW,
    write_distance,
    write_objects,
    write_started,
    write_within_window,
)
from apps.audit.models import AuditEvent
from apps.history.models import ActivitySnapshot

SCOPE_OF_AREA = {"plugins": "Plugin", "plugin_configs": "PluginConfig", "groups": "Group"}
AREA_OF_SCOPE = {scope: area for area, scope in SCOPE_OF_AREA.items()}
# PostHog records a reordered pipeline under scope "Plugin" ("so we can also provide unified history"), naming each
# config it moved (products/cdp/backend/api/plugin.py rearrange): entries of plugin configs.
CONFIG_ACTIVITIES_AS_PLUGIN = frozenset({"order_changed"})


def area_of_entry(scope: str, activity: str) -> str | None:
    """The portal area a PostHog activity entry is about."""
    if scope == "Plugin" and activity in CONFIG_ACTIVITIES_AS_PLUGIN:
        return "plugin_configs"
    return AREA_OF_SCOPE.get(scope)


def activity_snapshots_link(*, connection, snapshots: Iterable[ActivitySnapshot], object_id: str = "") -> int:
    """Link newly stored entries to the portal writes that caused them; how many were linked.

    `object_id` is the portal's name of the object the entries are about where PostHog's item id is not it (a
    group's type and key, which the poller knows from the list it read)."""
    keys = {(snapshot.scope, snapshot.activity_id) for snapshot in snapshots if snapshot.scope in AREA_OF_SCOPE}
    if not keys:
        return 0
    # Read back: rows bulk-created while ignoring conflicts carry no primary key.
    stored = [
        snapshot
        for snapshot in ActivitySnapshot.objects.filter(
            connection=connection,
            audit_event__isnull=True,
            scope__in={scope for scope, _ in keys},
            activity_id__in={activity_id for _, activity_id in keys},
        ).only("pk", "scope", "activity", "activity_id", "item_id", "created_at")
        if (snapshot.scope, snapshot.activity_id) in keys
    ]
    aliases = {snapshot.item_id: object_id for snapshot in stored} if object_id else {}
    return _link(connection_id=connection.pk, snapshots=stored, aliases=aliases)


def audit_event_link(*, event: AuditEvent) -> int:
    """Link the entries the poller stored before this write was recorded (it polled while the write was under
    way); how many were linked."""
    scope = SCOPE_OF_AREA.get(event.area)
    objects = write_objects(event)
    if scope is None or event.outcome != AuditEvent.Outcome.SUCCESS or event.connection_id is None or not objects:
        return 0
    # A group's PostHog id is learned from its entries linked before.
    aliases = dict(
        ActivitySnapshot.objects.filter(
            connection_id=event.connection_id,
            scope=scope,
            audit_event__area=event.area,
            audit_event__object_id__in=objects,
        )
        .values_list("item_id", "audit_event__object_id")
        .distinct()
    )
    of_area = Q(scope=scope)
    if event.area == "plugin_configs":
        of_area |= Q(scope="Plugin", activity__in=CONFIG_ACTIVITIES_AS_PLUGIN)
    snapshots = ActivitySnapshot.objects.filter(
        of_area,
        connection_id=event.connection_id,
        audit_event__isnull=True,
        item_id__in=objects | set(aliases),
        created_at__gte=write_started(event) - CLOCK_TOLERANCE,
        created_at__lte=event.created_at + LINK_WINDOW,
    ).only("pk", "scope", "activity", "activity_id", "item_id", "created_at")
    return _link(connection_id=event.connection_id, snapshots=list(snapshots), aliases=aliases)


def audit_event_recorded_link(*, event: AuditEvent, **_signal) -> int:
    """The receiver of `audit_event_recorded` (connected in apps/history/apps.py)."""
    return audit_event_link(event=event)


def _link(*, connection_id: int, snapshots: list[ActivitySnapshot], aliases: dict[str, str]) -> int:
    if not snapshots:
        return 0
    names = {snapshot.item_id for snapshot in snapshots} | set(aliases.values())
    times = [snapshot.created_at for snapshot in snapshots]
    events = list(
        AuditEvent.objects.filter(
            Q(object_id__in=names) | Q(object_id=""),
            connection_id=connection_id,
            outcome=AuditEvent.Outcome.SUCCESS,
            area__in={area_of_entry(snapshot.scope, snapshot.activity) for snapshot in snapshots},
            created_at__gte=min(times) - LINK_WINDOW,
            created_at__lte=max(times) + LINK_WINDOW,
        ).only("pk", "area", "object_id", "created_at", "duration_ms", "after")
    )
    linked = 0
    for snapshot in snapshots:
        snapshot_names = {snapshot.item_id, aliases.get(snapshot.item_id, snapshot.item_id)}
        candidates = [
            (write_distance(event, snapshot.created_at), -event.pk, event)
            for event in events
            if event.area == area_of_entry(snapshot.scope, snapshot.activity)
            and snapshot_names & write_objects(event)
            and write_within_window(event, snapshot.created_at)
        ]
        if candidates:
            nearest = min(candidates, key=lambda candidate: candidate[:2])[2]
            linked += ActivitySnapshot.objects.filter(pk=snapshot.pk, audit_event__isnull=True).update(
                audit_event=nearest
            )
    return linked
