"""What the trail's reads return: a line of the merged trail, a position in it, one entry's detail, the filters."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from apps.audit.actions import verb_done
from apps.audit.diff import FieldChange
from apps.audit.models import AuditEvent
from apps.core.activity import ActivityItem
from apps.history.models import ActivitySnapshot
from apps.posthog.values import moment
from apps.trail.presenters import Sentence, area_label, area_noun, source_label, write_sentence

PORTAL = "portal"
POSTHOG = "posthog"
# At the same instant PostHog's entry sorts first (it is recorded while the portal's write is still under way).
SOURCE_RANK = {PORTAL: 0, POSTHOG: 1}
FAILED = (AuditEvent.Outcome.FAILURE, AuditEvent.Outcome.NOT_KEPT)


@dataclass(frozen=True)
class TrailFilters:
    """What the audit page's form asks for; empty means any. `person` carries its source: "portal:ada" or
    "posthog:dana@example.com". `verb` (apps/audit/actions.py) matches both sources: a portal event's action, a
    PostHog entry's activity of that verb."""

    person: str = ""
    area: str = ""
    object_id: str = ""
    verb: str = ""
    outcome: str = ""
    source: str = ""
    after: datetime | None = None
    before: datetime | None = None
    search: str = ""


class TrailPosition(NamedTuple):
    """Where a page ended: the next page starts after this (time, source, id), in the merged order. Written into
    the "older" link as `time~source~id`."""

    at: datetime
    source: str
    id: int

    def __str__(self) -> str:
        return "~".join((self.at.isoformat(), self.source, str(self.id)))

    @classmethod
    def parse(cls, text: str) -> "TrailPosition | None":
        """The position `str()` wrote; None for anything else (a damaged link). A time without a zone is UTC."""
        parts = (text or "").split("~")
        at = moment(parts[0]) if len(parts) == 3 else None
        if at is None or parts[1] not in SOURCE_RANK or not parts[2].isdigit():
            return None
        return cls(at, parts[1], int(parts[2]))


@dataclass(frozen=True)
class TrailRow:
    """One line of the trail, from either source."""

    source: str
    id: int
    at: datetime
    person: str  # who did it: the portal user, also for PostHog entries caused by a portal write
    posthog_user: str  # whom PostHog credits (the API key's owner for writes through the portal); "" for events
    via_portal: bool  # a PostHog entry linked to the portal write that caused it
    area: str
    object_id: str
    action: str  # the HTTP method of a portal write, PostHog's activity name of an entry
    summary: str  # a portal write's path (its description for a portal-state change); a PostHog entry in words
    outcome: str
    status_code: int | None = None
    error: str = ""
    connection_name: str = ""
    linked_id: int | None = None  # a PostHog entry's portal event
    in_posthog_log: bool = False  # a portal event with PostHog entries linked to it
    verb: str = ""  # what was done (apps/audit/actions.py), for both sources; "" for an activity it does not know
    object_name: str = ""  # the object's name when it was written (a PostHog entry's `detail.name`)
    settled: str = ""  # a portal write whose answer was lost: what reading it back found (apps/posthog/settle.py)
    # A PostHog entry whose item id is not the portal's id of the object: a group's "type:key", learned from a
    # portal write linked to an entry of the same group (apps/trail/selectors/entries.py); "" when none is.
    portal_object_id: str = ""

    @property
    def key(self) -> tuple[datetime, int, int]:
        """The merged order, descending: time, then source (PostHog first at the same instant), then id."""
        return (self.at, SOURCE_RANK[self.source], self.id)

    @property
    def position(self) -> TrailPosition:
        return TrailPosition(self.at, self.source, self.id)

    @property
    def failed(self) -> bool:
        return self.outcome in FAILED

    @property
    def not_kept(self) -> bool:
        return self.outcome == AuditEvent.Outcome.NOT_KEPT

    @property
    def unknown(self) -> bool:
        return self.outcome == AuditEvent.Outcome.UNKNOWN

    @property
    def area_label(self) -> str:
        return area_label(self.area)

    @property
    def source_label(self) -> str:
        return source_label(self.source)

    @property
    def local(self) -> bool:
        """A change to the portal's own state: its summary is a description, not a path."""
        return self.source == PORTAL and not self.summary.startswith("/") and "://" not in self.summary

    @property
    def sentence(self) -> Sentence:
        """After the person's name: a portal write as words; a PostHog entry as PostHog's activity reads."""
        return self._sentence(link=True)

    @property
    def text(self) -> str:
        """The whole sentence, person first, without links: "ada disabled the plugin config “S3 Export”"."""
        return f"{self.person} {self._sentence(link=False)}"

    def _sentence(self, *, link: bool) -> Sentence:
        if self.source == POSTHOG:
            return Sentence(self.summary)
        return write_sentence(
            verb=self.verb,
            area=self.area,
            path=self.summary,
            object_id=self.object_id,
            object_name=self.object_name,
            happened=not self.failed and not self.unknown,
            link=link,
            unknown=self.unknown,
        )

    @property
    def verb_label(self) -> str:
        return verb_done(self.verb) if self.verb else self.action.replace("_", " ")

    @property
    def area_noun(self) -> str:
        return area_noun(self.area)

    @property
    def posthog_group(self) -> bool:
        """A PostHog entry of a group: its item id is PostHog's number for the group, not the group's key."""
        return self.source == POSTHOG and self.area == "groups"

    @property
    def group_key(self) -> str:
        """A group's key, out of its learned "type:key"."""
        return self.portal_object_id.split(":", 1)[-1] if self.portal_object_id else ""


@dataclass
class HistoryItem:
    """A row of an object's history timeline, with what changed."""

    row: TrailRow
    changes: list[FieldChange] = field(default_factory=list)
    more_changes: int = 0


@dataclass(frozen=True)
class EventDetail:
    """A portal write: its before and after, field by field, and the PostHog entries linked to it."""

    event: AuditEvent
    changes: list[FieldChange]  # added, removed or changed
    unchanged: list[FieldChange]
    request_body: list[FieldChange]  # flattened, as "added" values
    linked: list[tuple[ActivitySnapshot, ActivityItem]]
    polled: bool  # an area whose PostHog activity the poller keeps
    sentence: Sentence  # what the write did, after the person's name

    @property
    def area_label(self) -> str:
        return area_label(self.event.area)

    @property
    def local(self) -> bool:
        return not self.event.path.startswith("/") and "://" not in self.event.path

    @property
    def has_secret_changes(self) -> bool:
        return any(change.secret for change in self.changes)


@dataclass(frozen=True)
class EntryDetail:
    """A PostHog activity entry the poller kept, with the changes PostHog recorded."""

    snapshot: ActivitySnapshot
    item: ActivityItem
    area: str
    changes: list[FieldChange]
    # The portal's name of the object where PostHog's item id is not it: a group's "type:key", learned from a
    # portal write linked to an entry of the same item ("" when none is); and its page.
    object_id: str = ""
    object_url: str = ""

    @property
    def area_label(self) -> str:
        return area_label(self.area) if self.area else self.snapshot.scope

    @property
    def object_name(self) -> str:
        """A group's key, out of its "type:key"."""
        return self.object_id.split(":", 1)[-1] if self.object_id else ""


@dataclass(frozen=True)
class FilterChoices:
    portal_people: list[str]
    posthog_people: list[tuple[str, str]]  # (value, label)
    areas: list[tuple[str, str]]
    verbs: list[tuple[str, str]]  # (verb, how it reads), those the trail holds
