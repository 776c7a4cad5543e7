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


@register.inclusion_tag("plugins/icon.html")
def plugin_icon(url: str | None, name: str | None, size: str = "md"):
    """A plugin's icon from PostHog's URL, or its initial when it has none (or the image fails to load)."""
    initial = (name or "?").strip()[:1].upper() or "?"
    safe_url = url if isinstance(url, str) and url.startswith(("https://", "http://", "/")) else ""
    return {"url": safe_url, "initial": initial, "size": size}
