"""What can be shared: insights and session recordings, one set of pages for both, told apart by a `Kind`."""

from dataclasses import dataclass
from typing import NamedTuple

from apps.connections.context import PostHogContext


class Columns(NamedTuple):
    """The headings of a list of items: what names one, its note, its time."""

    title: str
    note: str
    when: str


@dataclass(frozen=True)
class Kind:
    noun: str
    collection: str  # PostHog's path segment
    columns: Columns
    # Insights live per environment but are served under both prefixes; recordings only under environments.
    environment_only: bool
    searchable: bool  # PostHog's list takes `search` (insights, by name); its recordings list does not

    def path(self, context: PostHogContext, *rest: str | int) -> str:
        build = context.environment_path if self.environment_only else context.team_path
        return build(self.collection, *rest)

    @property
    def slug(self) -> str:
        """The URL segment: /sharing/<slug>/..."""
        return f"{self.noun}s"

    @property
    def list_url_name(self) -> str:
        return f"sharing:{self.slug}"

    @property
    def scope_noun(self) -> str:
        """Where an ID is looked up, for "No insight 999 in this project."."""
        return "environment" if self.environment_only else "project"

    @property
    def title(self) -> str:
        return f"{self.noun.capitalize()} sharing"


INSIGHTS = Kind(
    "insight", "insights", Columns("Insight", "Short ID", "Last modified"), environment_only=False, searchable=True
)
RECORDINGS = Kind(
    "recording", "session_recordings", Columns("Person", "Length", "Started"), environment_only=True, searchable=False
)
KINDS = {kind.slug: kind for kind in (INSIGHTS, RECORDINGS)}


class KindConverter:
    """`<kind:kind>` in URLs: the view receives the Kind itself."""

    regex = "|".join(KINDS)

    def to_python(self, value: str) -> Kind:
        return KINDS[value]

    def to_url(self, value: Kind | str) -> str:
        return value.slug if isinstance(value, Kind) else KINDS[value].slug
