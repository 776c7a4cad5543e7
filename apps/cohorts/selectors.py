"""Reads of the project's cohorts."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.dateparse import parse_datetime

from apps.connections.context import PostHogContext
from apps.posthog.client import api_path

PAGE_SIZE = 20

DYNAMIC_TYPES = {
    "person_property": "person properties",
    "behavioral": "behavioral",
    "realtime": "realtime",
    "analytical": "analytical",
}


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
    filters: dict | None
    query: dict | None

    @property
    def kind(self) -> str:
        return "Static" if self.is_static else "Dynamic"

    @property
    def kind_detail(self) -> str:
        """What a dynamic cohort matches on, as PostHog classifies it."""
        return "" if self.is_static else DYNAMIC_TYPES.get(self.cohort_type, self.cohort_type.replace("_", " "))


@dataclass(frozen=True)
class CohortPage:
    cohorts: list[Cohort]
    count: int
    number: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // PAGE_SIZE))

    @property
    def first_shown(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1 if self.cohorts else 0

    @property
    def last_shown(self) -> int:
        return self.first_shown + len(self.cohorts) - 1 if self.cohorts else 0


def _path(context: PostHogContext, *rest) -> str:
    return api_path("projects", context.project_id, "cohorts", *rest)


def _moment(value) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None


def _person(user) -> str:
    if not isinstance(user, dict):
        return ""
    full = f"{user.get('first_name') or ''} {user.get('last_name') or ''}".strip()
    return full or str(user.get("email") or "")


def cohort_from(data: dict) -> Cohort:
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
        last_calculation=_moment(data.get("last_calculation")),
        created_at=_moment(data.get("created_at")),
        created_by=_person(data.get("created_by")),
        version=data.get("version") if isinstance(data.get("version"), int) else None,
        deleted=bool(data.get("deleted")),
        filters=data.get("filters") if isinstance(data.get("filters"), dict) else None,
        query=data.get("query") if isinstance(data.get("query"), dict) else None,
    )


def cohort_page(*, context: PostHogContext, number: int = 1, search: str = "") -> CohortPage:
    """One page of the cohorts PostHog has not deleted, newest first; `search` looks in names."""
    params: dict = {"limit": PAGE_SIZE, "offset": (number - 1) * PAGE_SIZE}
    if search:
        params["search"] = search
    answer = context.client.get(_path(context), params=params)
    answer = answer if isinstance(answer, dict) else {}
    cohorts = [cohort_from(item) for item in answer.get("results") or [] if isinstance(item, dict) and "id" in item]
    count = answer.get("count") if isinstance(answer.get("count"), int) else len(cohorts)
    return CohortPage(cohorts=cohorts, count=count, number=number)


def cohort_get(*, context: PostHogContext, cohort_id: int) -> Cohort:
    """One cohort; PostHog answers for deleted ones too (`deleted` true)."""
    return cohort_from(context.client.get(_path(context, cohort_id)))
