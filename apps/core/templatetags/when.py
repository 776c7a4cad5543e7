"""`ago`: how long ago something happened, as a person says it ("just now", "5 minutes ago"); Django's `timesince`
says "0 minutes" for the first minute. A builtin (settings.TEMPLATES), as `timesince` is."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

register = template.Library()

JUST_NOW_SECONDS = 60


@register.filter
def ago(value: datetime | None, depth: int = 2) -> str:
    """`depth`: how many units ("3 weeks" with 1, where a table cell has room for one; the exact time in a title)."""
    if not isinstance(value, datetime):
        return ""
    now = timezone.now() if timezone.is_aware(value) else datetime.now()
    if (now - value).total_seconds() < JUST_NOW_SECONDS:
        return "just now"  # a clock a little ahead of ours included: never "0 minutes" or a time to come
    return f"{timesince(value, now, depth=depth)} ago"
