"""Conditions that are events rather than states: an item changed outside the portal (PostHog's activity the pollers
kept, with no portal write linked to it), and a secret key or project token rolled (the audit trail).

Each entry is a subject of its own: it fires once, holds while the entry's time is in the rule's window of `minutes`,
and resolves at the first evaluation after it (silently: there is nothing to recover from; evaluation.py).

Values (Alert.values) by kind:
- changed_outside: {"activity", "scope", "item_id", "by", "at"};
- key_rolled: {"action", "area", "object", "by", "at"}.
"""

from datetime import datetime, timedelta

from django.db.models import CharField, Q, Subquery
from django.db.models.functions import Cast

from apps.alerts.conditions import Finding, iso, page_of
from apps.alerts.models import AlertRule
from apps.audit.actions import ACTIVITY_VERBS
from apps.audit.models import AuditEvent
from apps.history.models import ActivitySnapshot, LogCursor

# PostHog's activity names that mean disabled, deleted or changed (posthog/models/activity_logging/activity_log.py).
CHANGE_ACTIVITIES = sorted(name for name, verb in ACTIVITY_VERBS.items() if verb in ("disable", "delete", "edit"))
# The activity the pollers keep of items (groups' entries are of groups, not of a pipeline).
ITEM_SCOPES = {"PluginConfig": "plugins:config_detail", "Plugin": "plugins:detail"}
# Audit areas and verbs of a key rolled (apps/audit/actions.py SEGMENT_VERBS): a project secret API key's `roll`, a
# project's `reset_token` (its public token) and `rotate_secret_token`.
KEY_AREAS = ("project_secret_api_keys", "projects")
KEY_ACTIONS = ("roll", "rotate", "reset")
KEY_WHAT = {"roll": "Secret API key", "reset": "Project token of", "rotate": "Secret token of"}


def changed_outside(rule: AlertRule, now: datetime) -> list[Finding]:
    """Every entry of PostHog's activity of plugins and plugin configs, of a change, created in the last `minutes`
    (by the entry's own time) that no portal write made. One query."""
    if rule.scope == AlertRule.Scope.ITEM and rule.item_type != AlertRule.ItemType.PLUGIN_CONFIG:
        return []  # the pollers keep no activity of hog functions or batch exports
    entries = ActivitySnapshot.objects.filter(
        connection_id=rule.connection_id,
        audit_event__isnull=True,
        scope__in=list(ITEM_SCOPES),
        activity__in=CHANGE_ACTIVITIES,
        created_at__gt=now - timedelta(minutes=rule.minutes),
        created_at__lte=now,
    )
    if rule.scope == AlertRule.Scope.ITEM:
        entries = entries.filter(scope="PluginConfig", item_id=rule.item_id)
    elif rule.scope == AlertRule.Scope.PROJECT:
        # Plugin config entries come from the organization's activity, without a project: a config is the project's
        # when its logs are read as the project's (one subquery on the log cursors).
        configs = LogCursor.objects.filter(connection_id=rule.connection_id, project_id=rule.project_id).values_list(
            Cast("plugin_config_id", CharField()), flat=True
        )
        entries = entries.filter(Q(project_id=rule.project_id) | Q(scope="PluginConfig", item_id__in=Subquery(configs)))
    return [
        Finding(
            subject=f"activity:{rule.connection_id}:{entry.activity_id}",
            subject_name=_entry_name(entry),
            link=page_of(ITEM_SCOPES[entry.scope], entry.item_id),
            started_at=entry.created_at,
            values={
                "activity": entry.activity,
                "scope": entry.scope,
                "item_id": entry.item_id,
                "by": entry.user_name,
                "at": iso(entry.created_at),
            },
        )
        for entry in entries.order_by("created_at", "id")
    ]


def key_rolled(rule: AlertRule, now: datetime) -> list[Finding]:
    """Every successful roll of a project secret API key, reset of a project token or rotation of a secret token
    recorded in the last `minutes`. The pollers keep no PostHog activity of keys or projects, so only the portal's own
    writes are seen. One query."""
    events = AuditEvent.objects.filter(
        connection_id=rule.connection_id,
        outcome=AuditEvent.Outcome.SUCCESS,
        area__in=KEY_AREAS,
        action__in=KEY_ACTIONS,
        created_at__gt=now - timedelta(minutes=rule.minutes),
        created_at__lte=now,
    )
    if rule.scope != AlertRule.Scope.ALL and rule.project_id:
        # A secret key lives under its environment, whose id is the project's for a project's first environment.
        events = events.filter(
            Q(area="projects", object_id=rule.project_id)
            | Q(area="project_secret_api_keys", path__contains=f"/environments/{rule.project_id}/")
        )
    return [
        Finding(
            subject=f"audit:{event.pk}",
            subject_name=f"{KEY_WHAT.get(event.action, 'Key of')} {event.object_name or event.object_id}".strip(),
            link=page_of("trail:detail", "portal", event.pk),
            started_at=event.created_at,
            values={
                "action": event.action,
                "area": event.area,
                "object": event.object_name or event.object_id,
                "by": event.actor_name,
                "at": iso(event.created_at),
            },
        )
        for event in events.order_by("created_at", "id")
    ]


def _entry_name(entry: ActivitySnapshot) -> str:
    detail = entry.entry.get("detail") if isinstance(entry.entry, dict) else None
    name = detail.get("name") if isinstance(detail, dict) else None
    what = "Plugin config" if entry.scope == "PluginConfig" else "Plugin"
    return str(name) if name else f"{what} {entry.item_id}"
