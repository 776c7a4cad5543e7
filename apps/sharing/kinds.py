"""What can be shared: insights and session recordings, one set of pages for both, told apart by a `Kind`."""

from dataclasses import dataclass

from apps.connections.context import PostHogContext


@dataclass(frozen=True)
class Kind:
    slug: str  # the URL segment: /sharing/<slug>/...
    noun: str
    collection: str  # PostHog's path segment
    # Insights live per environment but are served under both prefixes; recordings only under environments.
    environment_only: bool
    list_url_name: str
    scope_noun: str  # where an ID is looked up, for "No insight 999 in this project."
    title_column: str
    note_column: str
    when_column: str
    searchable: bool

    def path(self, context: PostHogContext, *rest: str | int) -> str:
        build = context.environment_path if self.environment_only else context.team_path
        return build(self.collection, *rest)

    @property
    def title(self) -> str:
        return f"{self.noun.capitalize()} sharing"


INSIGHTS = Kind(
    slug="insights",
    noun="insight",
    collection="insights",
    environment_only=False,
    list_url_name="sharing:insights",
    scope_noun="project",
    title_column="Insight",
    note_column="Short ID",
    when_column="Last modified",
    searchable=True,
)
RECORDINGS = Kind(
    slug="recordings",
    noun="recording",
    collection="session_recordings",
    environment_only=True,
    list_url_name="sharing:recordings",
    scope_noun="environment",
    title_column="Person",
    note_column="Length",
    when_column="Started",
    searchable=False,
)
KINDS = {kind.slug: kind for kind in (INSIGHTS, RECORDINGS)}


class KindConverter:
    """`<kind:kind>` in URLs: the view receives the Kind itself."""

    regex = "|".join(KINDS)

    def to_python(self, value: str) -> Kind:
        return KINDS[value]

    def to_url(self, value: Kind | str) -> str:
        return value.slug if isinstance(value, Kind) else KINDS[value].slug
