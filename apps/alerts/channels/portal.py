"""In the portal: a notification for the rule's owner and every active Admin, counted unread in the top bar."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from apps.alerts.channels.errors import ChannelError
from apps.alerts.models import AlertRule, Channel, Delivery, Notification

TITLE_LIMIT = 300
DEFAULT_BASE_URL = "http://127.0.0.1:8000"  # as portal/settings.py's PORTAL_BASE_URL


def recipients_of(*, rule: AlertRule | None, extra_ids: list[int]) -> list[Any]:
    who = Q(groups__name="Admin") | Q(is_superuser=True) | Q(pk__in=extra_ids)
    if rule is not None and rule.owner_id:
        who |= Q(pk=rule.owner_id)
    return list(get_user_model().objects.filter(who, is_active=True).distinct().order_by("pk"))


def portal_path(link: str) -> str:
    """The payload's link is absolute for mail and chat; inside the portal the path is enough (and stays right
    whatever name the portal is reached by)."""
    base = getattr(settings, "PORTAL_BASE_URL", DEFAULT_BASE_URL).rstrip("/")
    if base and link.startswith(base + "/"):
        return link[len(base) :]
    return link


def body_of(payload: dict[str, Any]) -> str:
    text = str(payload.get("text") or "")
    message = str(payload.get("message") or "")
    return f"{text}\n\nLast error: {message}" if message and message not in text else text


def send(channel: Channel, payload: dict[str, Any], *, delivery_key: str) -> None:
    delivery = Delivery.objects.filter(key=delivery_key).select_related("rule").first()
    if delivery is not None:
        rule: AlertRule | None = delivery.rule
    else:  # a test sent without a rule is not stored
        rule_id = (payload.get("rule") or {}).get("id")
        rule = AlertRule.objects.filter(pk=rule_id).first() if rule_id else None
    requested_by = payload.get("requested_by")
    recipients = recipients_of(rule=rule, extra_ids=[requested_by] if isinstance(requested_by, int) else [])
    if not recipients:
        raise ChannelError("Nobody to tell: the rule has no active owner and the portal has no active Admin.")
    with transaction.atomic():
        # A worker stopped after writing them and before marking the delivery sent: they are there already.
        if delivery is not None and Notification.objects.filter(delivery=delivery).exists():
            return
        Notification.objects.bulk_create(
            Notification(
                user=user,
                delivery=delivery,
                alert_id=delivery.alert_id if delivery else None,
                title=str(payload.get("title") or "Alert")[:TITLE_LIMIT],
                body=body_of(payload),
                link=portal_path(str(payload.get("link") or ""))[:500],
            )
            for user in recipients
        )
