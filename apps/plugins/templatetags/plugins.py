from django import template

register = template.Library()


NOT_REPORTED = "PostHog does not report a delivery rate here: this version no longer sends delivery_rate_24h."
NO_METRICS = "PostHog has no delivery metrics for this config over the last 24 hours."


@register.inclusion_tag("plugins/delivery_badge.html")
def delivery_badge(rate: float | None, reported: bool = True):
    """PostHog's own colours: green from 99 %, yellow from 75 %, red below. Without a rate, words that cannot pass
    for a measurement: "no metrics" where PostHog said it has none, "not reported" where it sends no rate at all."""
    if not reported:
        return {"level": "absent", "label": "not reported", "title": NOT_REPORTED}
    if rate is None:
        return {"level": "none", "label": "no metrics", "title": NO_METRICS}
    level = "good" if rate >= 0.99 else "warn" if rate >= 0.75 else "bad"
    return {"level": level, "label": f"{rate * 100:.1f} %", "title": "Delivery rate over the last 24 hours"}


@register.inclusion_tag("plugins/icon.html")
def plugin_icon(url: str | None, name: str | None, size: str = "md"):
    """A plugin's icon from PostHog's URL, or its initial when it has none (or the image fails to load)."""
    initial = (name or "?").strip()[:1].upper() or "?"
    safe_url = url if isinstance(url, str) and url.startswith(("https://", "http://", "/")) else ""
    return {"url": safe_url, "initial": initial, "size": size}
