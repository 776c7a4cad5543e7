"""Reads for the alerts pages: rules with their state, a rule's alerts and deliveries, channels, a person's
notifications, and the items and projects the pollers stored that a rule can watch."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import Count, Q

from apps.alerts.models import Alert, AlertRule, Channel, Delivery, Notification
from apps.connections.models import Connection, WatchedProject
from apps.core.roles import ADMINISTER, OPERATE
from apps.history.models import BatchExportRunRecord, DeliverySnapshot, HogFunctionMetricSnapshot

User = AuthUser | AnonymousUser


@dataclass(frozen=True)
class KnownItem:
    """An item the pollers stored history of, so a rule can watch it: `value` is what the form posts."""

    item_type: str
    project_id: str
    item_id: str
    name: str

    @property
    def value(self) -> str:
        return f"{self.item_type}:{self.project_id}:{self.item_id}"


def rule_changeable(*, user: User, rule: AlertRule) -> bool:
    """Admins change every rule, Operators their own; Viewers none."""
    if user.has_perm(ADMINISTER):
        return True
    return user.has_perm(OPERATE) and rule.owner_id is not None and rule.owner_id == user.pk


def rule_list() -> list[AlertRule]:
    """Every rule (everyone signed in reads them), with its open alerts counted and its channels at hand."""
    rules = (
        AlertRule.objects.select_related("connection", "owner")
        .prefetch_related("channels")
        .annotate(open_alerts=Count("alerts", filter=Q(alerts__resolved_at__isnull=True)))
    )
    return list(rules)


def rule_get(*, pk: int) -> AlertRule | None:
    return AlertRule.objects.select_related("connection", "owner").prefetch_related("channels").filter(pk=pk).first()


def rule_alerts(*, rule: AlertRule, limit: int = 50) -> list[Alert]:
    """The rule's episodes, open ones first, then the newest."""
    alerts = rule.alerts.select_related("acknowledged_by").order_by("-started_at", "-id")
    return list(alerts.filter(resolved_at__isnull=True)) + list(alerts.filter(resolved_at__isnull=False)[:limit])


def rule_deliveries(*, rule: AlertRule, limit: int = 50) -> list[Delivery]:
    return list(rule.deliveries.select_related("channel", "alert")[:limit])


def alert_get(*, pk: int) -> Alert | None:
    return Alert.objects.select_related("rule").filter(pk=pk).first()


def channel_list() -> list[Channel]:
    return list(Channel.objects.select_related("created_by").annotate(rule_count=Count("rules")))


def channel_get(*, pk: int) -> Channel | None:
    return Channel.objects.filter(pk=pk).first()


def delivery_get(*, pk: int) -> Delivery | None:
    return Delivery.objects.select_related("channel").filter(pk=pk).first()


def notification_list(*, user: AuthUser, limit: int = 100) -> list[Notification]:
    return list(Notification.objects.filter(user=user)[:limit])


def notification_get(*, user: AuthUser, pk: int) -> Notification | None:
    """One of the person's own notifications; another person's is None, as if it did not exist."""
    return Notification.objects.filter(user=user, pk=pk).first()


def notification_unread_count(*, user: AuthUser) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def items_known(*, connection: Connection) -> list[KnownItem]:
    """The plugin configs, hog functions and batch exports the pollers stored history of on this connection, by
    name: a rule on one of them has data to look at. One query per kind of item."""
    rows: dict[str, KnownItem] = {}
    sources = [
        (AlertRule.ItemType.PLUGIN_CONFIG, DeliverySnapshot, "plugin_config_id", "config_name"),
        (AlertRule.ItemType.HOG_FUNCTION, HogFunctionMetricSnapshot, "function_id", "function_name"),
        (AlertRule.ItemType.BATCH_EXPORT, BatchExportRunRecord, "export_id", "export_name"),
    ]
    for item_type, model, id_field, name_field in sources:
        values = model._default_manager.filter(connection=connection).values_list("project_id", id_field, name_field)
        for project_id, item_id, name in values.distinct().order_by(name_field, id_field)[:500]:
            item = KnownItem(str(item_type), str(project_id), str(item_id), name or str(item_id))
            rows.setdefault(item.value, item)
    return sorted(rows.values(), key=lambda item: (item.item_type, item.name.casefold(), item.item_id))


def projects_known(*, connection: Connection, current: str = "") -> list[tuple[str, str]]:
    """(project id, label) of the connection's projects the portal knows of: those an Admin was shown to watch, its
    own, and the one picked in the switcher."""
    projects: dict[str, str] = {}
    for watched in WatchedProject.objects.filter(connection=connection).order_by("project_id"):
        projects.setdefault(watched.project_id, f"{watched.name or 'Project'} ({watched.project_id})")
    for project_id in (connection.project_id, current):
        if project_id and project_id != "@current":
            projects.setdefault(project_id, f"Project {project_id}")
    return sorted(projects.items(), key=lambda pair: pair[1].casefold())
