from django import template

register = template.Library()


@register.inclusion_tag("plugins/delivery_badge.html")
def delivery_badge(rate: float | None):
    """PostHog's own colours: green from 99 %, yellow from 75 %, red below, grey without metrics."""
    if rate is None:
        level, label = "none", "no data"
    else:
        level = "good" if rate >= 0.99 else "warn" if rate >= 0.75 else "bad"
        label = f"{rate * 100:.1f} %"
    return {"level": level, "label": label}
