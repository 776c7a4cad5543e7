"""What the trail's pages show that is neither a read nor a write: labels of areas, sources and PostHog activities,
and a portal write told in words."""

from urllib.parse import urlsplit

from apps.core.activity import VERBS
from apps.core.navigation import AREAS_BY_SLUG

SOURCE_LABELS = {"portal": "Portal", "posthog": "PostHog"}  # the trail's two sources (selectors.rows)
WRITE_VERBS = {"PATCH": "changed it", "PUT": "replaced it", "DELETE": "deleted it"}


def area_label(area: str) -> str:
    known = AREAS_BY_SLUG.get(area)
    return known.label if known else area.replace("_", " ").capitalize()


def activity_label(activity: str) -> str:
    return VERBS.get(activity, activity.replace("_", " "))


def source_label(source: str) -> str:
    return SOURCE_LABELS[source]


def posthog_person_label(name: str, email: str) -> str:
    """A PostHog user in the person filter: "Dana <dana@example.com>", or whichever of the two PostHog kept."""
    return f"{name} <{email}>" if name and email else email or name


def write_verb(*, method: str, path: str, area: str, object_id: str) -> str:
    """What a portal write did to its object, in words: "changed it", "ran “upgrade” on it"."""
    request_path = urlsplit(path).path if "://" in path else path.split("?", 1)[0]
    if not request_path.startswith("/"):
        return path  # a change to the portal's own settings, described when recorded
    if method in WRITE_VERBS:
        return WRITE_VERBS[method]
    segments = [segment for segment in request_path.split("/") if segment]
    action = segments[-1] if segments else ""
    return "created it" if action in (area, object_id) else f"ran “{action.replace('_', ' ')}” on it"
