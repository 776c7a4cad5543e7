"""What the trail's pages show that is neither a read nor a write: labels of areas, sources and PostHog activities,
and a portal write told as a sentence ("disabled the plugin config “S3 Export”") with a link to the object."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from apps.audit.actions import action_segment, path_segments, verb_done
from apps.core.activity import VERBS as ACTIVITY_WORDS
from apps.core.navigation import AREAS_BY_SLUG
from apps.core.sorting import DESC, SortColumn, SortOrder

# The trail sorts by time only: both sources are read on their (created_at, id) indexes, which serve either
# direction; another column would sort two tables merged, with no index to keep a deep page cheap.
SORT_COLUMNS = {"time": SortColumn("Time", DESC)}
DEFAULT_SORT = SortOrder("time", DESC)

SOURCE_LABELS = {"portal": "Portal", "posthog": "PostHog"}  # the trail's two sources (selectors.rows)

# What one object of each audit area (the first segment of PostHog's path, or a portal-state area) is called.
AREA_NOUNS = {
    "plugins": "plugin",
    "plugin_configs": "plugin config",
    "hog_functions": "hog function",
    "batch_exports": "batch export",
    "groups": "group",
    "cohorts": "cohort",
    "annotations": "annotation",
    "file_system": "file-system item",
    "insights": "insight",
    "session_recordings": "recording",
    "project_secret_api_keys": "secret API key",
    "projects": "project",
    "roles": "role",
    "connections": "connection",
    "history": "polling schedule",
    "audit": "audit trail",
    "alerts": "alert rule",
}
# Several objects of an area, when a write acts on its collection (a reorder, a restore of deleted items).
AREA_PLURALS = {"audit": "the audit trail", "history": "polling schedules"}
# The part of an object a write's action segment acts on: "retried a run of the batch export …".
ACTS_ON = {
    "retry": "a run of",
    "cancel": "a run of",
    "job": "a job of",
    "sharing": "the sharing of",
    "refresh": "the sharing link of",
    "passwords": "a sharing password of",
    "update_property": "a property of",
    "delete_property": "a property of",
    "update_source": "the source of",
    "reset_token": "the project token of",
    "rotate_secret_token": "the secret token of",
    "delete_secret_token_backup": "the backup secret token of",
    "generate_conversations_public_token": "a conversations token for",
    "complete_product_onboarding": "the onboarding of",
}
# The portal page of one object of each area: its URL name, given the object's id (see each app's urls.py).
OBJECT_PAGES = {
    "plugins": "plugins:detail",
    "plugin_configs": "plugins:config_detail",
    "hog_functions": "hog_functions:detail",
    "batch_exports": "batch_exports:detail",
    "cohorts": "cohorts:detail",
    "annotations": "annotations:detail",
    "file_system": "file_system:item",
    "roles": "roles:detail",
    "connections": "connections:detail",
    "alerts": "alerts:rule",  # a channel's events ("channel:3") have no page here: object_url answers ""
}
SHARING_KINDS = {"insights": "insights", "session_recordings": "recordings"}  # audit area -> sharing URL kind


@dataclass(frozen=True)
class Sentence:
    """A portal write after the person's name: `phrase` then the object, `label` (linked to `url` when the portal
    has a page of it)."""

    phrase: str
    label: str = ""
    url: str = ""

    def __str__(self) -> str:
        return f"{self.phrase} {self.label}".strip()


def area_label(area: str) -> str:
    known = AREAS_BY_SLUG.get(area)
    return known.label if known else area.replace("_", " ").capitalize()


def area_noun(area: str) -> str:
    return AREA_NOUNS.get(area) or area.replace("_", " ").removesuffix("s") or "object"


def activity_label(activity: str) -> str:
    return ACTIVITY_WORDS.get(activity, activity.replace("_", " "))


def source_label(source: str) -> str:
    return SOURCE_LABELS[source]


def posthog_person_label(name: str, email: str) -> str:
    """A PostHog user in the person filter: "Dana <dana@example.com>", or whichever of the two PostHog kept."""
    return f"{name} <{email}>" if name and email else email or name


def write_sentence(
    *,
    verb: str,
    area: str,
    path: str,
    object_id: str,
    object_name: str,
    happened: bool = True,
    link: bool = True,
    unknown: bool = False,
) -> Sentence:
    """A portal write as words: "disabled the plugin config", then “S3 Export” (or its id), linked to its page
    unless `link` is false (text for a file). A write to a whole collection (a reorder) names the collection. One
    that did not happen (failed, or not kept by PostHog) says it was tried: "tried to disable the plugin config"."""
    acts_on = ACTS_ON.get(action_segment(path_segments(path)), "") if path.startswith("/") else ""
    done = verb_done(verb, happened=happened, unknown=unknown)
    if not object_id and not object_name:
        plural = AREA_PLURALS.get(area) or f"{area_noun(area)}s"
        return Sentence(f"{done} {acts_on} {plural}".replace("  ", " "))
    phrase = f"{done} {acts_on} the {area_noun(area)}".replace("  ", " ")
    label = f"“{object_name}”" if object_name else object_id
    return Sentence(phrase, label, object_url(area=area, object_id=object_id) if object_id and link else "")


def object_url(*, area: str, object_id: str) -> str:
    """The portal's page of the object, or "" where the portal has none (or the id does not fit its URL)."""
    try:
        if area in OBJECT_PAGES:
            return reverse(OBJECT_PAGES[area], args=[object_id])
        if area == "groups" and ":" in object_id:
            type_index, key = object_id.split(":", 1)
            return f"{reverse('groups:detail', args=[int(type_index)])}?{urlencode({'key': key})}"
        if area in SHARING_KINDS:
            return reverse("sharing:detail", kwargs={"kind": SHARING_KINDS[area], "item_id": object_id})
        if area == "projects":
            return reverse("project_actions:index")
    except (NoReverseMatch, ValueError):
        pass
    return ""
