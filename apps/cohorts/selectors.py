"""Reads of the project's cohorts."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from apps.cohorts.paths import cohorts_path
from apps.connections.context import PostHogContext
from apps.core.paging import OffsetPage
from apps.posthog.values import moment, person_name

PAGE_SIZE = 20

# PostHog's names of what a dynamic cohort matches on, where its words ("behavioral", "realtime") do not read.
DYNAMIC_TYPES = {"person_property": "person properties"}


@dataclass(frozen=True)
class Cohort:
    id: int
    name: str
    description: str
    is_static: bool
    cohort_type: str
    count: int | None
    is_calculating: bool
    errors_calculating: int
    last_error: str
    last_calculation: datetime | None
    created_at: datetime | None
    created_by: str
    version: int | None
    deleted: bool
    filters: dict[str, Any] | None
    query: dict[str, Any] | None

    @property
    def kind(self) -> str:
        return "Static" if self.is_static else "Dynamic"

    @property
    def kind_detail(self) -> str:
        """What a dynamic cohort matches on, as PostHog classifies it."""
        return "" if self.is_static else DYNAMIC_TYPES.get(self.cohort_type, self.cohort_type.replace("_", " "))


def cohort_from(data: dict[str, Any]) -> Cohort:
    errors = data.get("errors_calculating")
    return Cohort(
        id=data["id"],
        name=str(data.get("name") or f"Cohort {data['id']}"),
        description=str(data.get("description") or ""),
        is_static=bool(data.get("is_static")),
        cohort_type=str(data.get("cohort_type") or ""),
        count=data.get("count") if isinstance(data.get("count"), int) else None,
        is_calculating=bool(data.get("is_calculating")),
        errors_calculating=errors if isinstance(errors, int) else 0,
        last_error=str(data.get("last_error_message") or ""),
        last_calculation=moment(data.get("last_calculation")),
        created_at=moment(data.get("created_at")),
        created_by=person_name(data.get("created_by")),
        version=data.get("version") if isinstance(data.get("version"), int) else None,
        deleted=bool(data.get("deleted")),
        filters=data.get("filters") if isinstance(data.get("filters"), dict) else None,
        query=data.get("query") if isinstance(data.get("query"), dict) else None,
    )


def cohort_page(*, context: PostHogContext, number: int = 1, search: str = "") -> OffsetPage[Cohort]:
    """Page `number` (of PAGE_SIZE) of the cohorts PostHog has not deleted, newest first; `search` looks in names."""
    offset = (number - 1) * PAGE_SIZE
    params: dict[str, Any] = {"limit": PAGE_SIZE, "offset": offset}
    if search:
        params["search"] = search
    answer = context.client.get(cohorts_path(context.project_id), params=params)
    answer = answer if isinstance(answer, dict) else {}
    cohorts = [cohort_from(item) for item in answer.get("results") or [] if isinstance(item, dict) and "id" in item]
    return OffsetPage.of_answer(answer, items=cohorts, offset=offset, limit=PAGE_SIZE)


def cohort_get(*, context: PostHogContext, cohort_id: int) -> Cohort:
    """One cohort; PostHog answers for deleted ones too (`deleted` true)."""
    return cohort_from(context.client.get(cohorts_path(context.project_id, cohort_id)))
