from datetime import datetime

from django import template
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def ago(moment: datetime | None) -> str:
    """“3 weeks ago”: one unit is enough in a table cell; the exact time goes in a title."""
    return f"{timesince(moment, depth=1)} ago" if moment else ""
