"""Reads of the project's annotations, including the ones the portal soft-deleted, which PostHog lists nowhere."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from apps.annotations.paths import annotations_path
from apps.audit.models import AuditEvent
from apps.connections.context import PostHogContext
from apps.connections.services import client_for
from apps.core.paging import OffsetPage
from apps.posthog.client import api_path
from apps.posthog.values import moment, person_name

PAGE_SIZE = 25
# A chart shows at most this many flags; more would cover it.
CHART_LIMIT = 200
# Insight and dashboard annotations belong to those charts, as in PostHog's own app.
CHART_SCOPES = ("project", "organization")
# How far back the audit trail is searched for deletions.
DELETIONS_SCANNED = 500
SCOPE_LABELS = {
    "project": "Project",
    "organization": "Organization",
    "dashboard": "Dashboard",
    "dashboard_item": "Insight",
}


@dataclass(frozen=True)
class Annotation:
    id: int
    content: str
    at: datetime | None
    scope: str
    target: str  # the insight's or dashboard's name, for annotations scoped to one
    created_by: str
    created_at: datetime | None
    updated_at: datetime | None
    from_git: bool
    insight_short_id: str
    dashboard_id: int | None

    @property
    def scope_label(self) -> str:
        return SCOPE_LABELS.get(self.scope, self.scope.replace("_", " ").capitalize() or "Unknown")


@dataclass(frozen=True)
class Deleted:
    annotation: Annotation
    deleted_by: str
    deleted_at: datetime


def annotation_page(
    *,
    context: PostHogContext,
    search: str = "",
    scope: str = "",
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    offset: int = 0,
) -> OffsetPage[Annotation]:
    """One page, newest first; PostHog does the searching and filtering."""
    params = {"limit": PAGE_SIZE, "offset": offset, "search": search, "scope": scope}
    params |= {"date_from": _iso(date_from), "date_to": _iso(date_to)}
    answer = context.client.get(annotations_path(context.project_id), params={k: v for k, v in params.items() if v})
    answer = answer if isinstance(answer, dict) else {}
    items = [annotation_from(item) for item in answer.get("results") or [] if isinstance(item, dict)]
    return OffsetPage.of_answer(answer, items=items, offset=offset)


def annotation_get(*, context: PostHogContext, annotation_id: int) -> Annotation:
    return annotation_from(context.client.get(annotations_path(context.project_id, annotation_id)))


def annotation_deleted_list(*, context: PostHogContext) -> list[Deleted]:
    """Annotations deleted through the portal in this project and not restored through it since, newest first.

    PostHog leaves deleted annotations out of its list and answers 404 to them, so the portal's audit trail is
    what remembers them: PostHog's answer to the deleting PATCH is the whole annotation.
    """
    events = AuditEvent.objects.filter(
        connection=context.connection,
        area="annotations",
        method="PATCH",
        outcome=AuditEvent.Outcome.SUCCESS,
        path__startswith=annotations_path(context.project_id),
        request_body__has_key="deleted",
    ).order_by("-created_at", "-id")[:DELETIONS_SCANNED]
    latest: dict[str, AuditEvent] = {}
    for event in events:
        latest.setdefault(event.object_id, event)
    return [
        Deleted(annotation_from(event.after), event.actor_name, event.created_at)
        for event in latest.values()
        if isinstance(event.request_body, dict)
        and event.request_body.get("deleted") is True
        and isinstance(event.after, dict)
        and "id" in event.after
    ]


def annotation_chart_list(*, context: PostHogContext, since: datetime, until: datetime) -> list[Annotation]:
    """The project's and organization's annotations between `since` and `until`, in one request.

    The chart they mark is drawn from the portal's own data, so PostHog gets one try: no retries to wait for.
    """
    if context.connection is None:
        return []
    client = client_for(connection=context.connection, actor=context.actor, max_retries=0)
    params = {"date_from": _iso(since), "date_to": _iso(until), "limit": CHART_LIMIT}
    answer = client.get(annotations_path(context.project_id), params=params)
    results = answer.get("results") if isinstance(answer, dict) else []
    annotations = [annotation_from(item) for item in results or [] if isinstance(item, dict)]
    return [annotation for annotation in annotations if annotation.scope in CHART_SCOPES and annotation.at]


def insight_id_find(*, context: PostHogContext, short_id: str) -> int | None:
    """The id PostHog's annotations take for the insight whose links show `short_id`, or None."""
    answer = context.client.get(
        api_path("projects", context.project_id, "insights"), params={"short_id": short_id, "limit": 1}
    )
    results = answer.get("results") if isinstance(answer, dict) else None
    found = next((item for item in results or [] if isinstance(item, dict) and item.get("short_id") == short_id), None)
    insight_id = found.get("id") if found else None
    return insight_id if isinstance(insight_id, int) else None


def annotation_from(data: dict[str, Any]) -> Annotation:
    dashboard_id = data.get("dashboard_id")
    return Annotation(
        id=data["id"],
        content=str(data.get("content") or ""),
        at=moment(data.get("date_marker")),
        scope=str(data.get("scope") or ""),
        target=str(data.get("insight_name") or data.get("insight_derived_name") or data.get("dashboard_name") or ""),
        created_by=person_name(data.get("created_by")),
        created_at=moment(data.get("created_at")),
        updated_at=moment(data.get("updated_at")),
        from_git=data.get("creation_type") == "GIT",
        insight_short_id=str(data.get("insight_short_id") or ""),
        dashboard_id=dashboard_id if isinstance(dashboard_id, int) else None,
    )


def _iso(at: datetime | None) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z") if at else ""
