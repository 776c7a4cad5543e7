"""Annotations: markers on charts. They cannot be hard-deleted (DELETE answers 405 with no body);
PATCH `deleted: true` hides them, and PATCH `deleted: false` brings them back.

As on PostHog: lists are newest first by date_marker, 1000 a page unless `limit` says otherwise, and
show organization-scoped annotations of every project in the organization; a deleted annotation
answers 404 to GET but can still be PATCHed (that is how it is restored).
"""

from datetime import UTC, datetime

from simulator.areas.roles import acting_user_basic, people, user_basic
from simulator.core import context
from simulator.core.fields import (
    MISSING,
    bool_field,
    choice_field,
    datetime_field,
    int_field,
    parse_datetime,
    text_field,
)
from simulator.core.http import (
    ApiError,
    Request,
    Response,
    method_not_allowed,
    not_found,
    paginate,
    validation_error,
)
from simulator.core.routing import route
from simulator.core.store import now_iso

SCOPES = ("dashboard_item", "dashboard", "project", "organization", "recording")
CREATION_TYPES = ("USR", "GIT")
PAGE_SIZE = 1000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FIELDS = (
    "id",
    "content",
    "date_marker",
    "creation_type",
    "dashboard_item",
    "dashboard_id",
    "dashboard_name",
    "insight_short_id",
    "insight_name",
    "insight_derived_name",
    "created_by",
    "created_at",
    "updated_at",
    "deleted",
    "scope",
)


def annotation_view(annotation: dict) -> dict:
    return {name: annotation.get(name) for name in FIELDS}


def _visible(request: Request, team_id: int) -> list[dict]:
    """The project's annotations plus organization-wide ones made in its sibling projects."""
    project = request.store.get("project", team_id)
    mine = request.store.all("annotation", parent=team_id)
    others = []
    for sibling in request.store.all("project", parent=project["organization"]):
        if sibling["id"] != team_id:
            others += [
                a for a in request.store.all("annotation", parent=sibling["id"]) if a.get("scope") == "organization"
            ]
    return mine + others


def _find(request: Request, project_id: str, annotation_id: str, *, include_deleted: bool) -> dict:
    team_id = context.team_id(request, project_id=project_id)
    if not annotation_id.isdigit():
        raise not_found()
    found = next((a for a in _visible(request, team_id) if a["id"] == int(annotation_id)), None)
    if found is None or (found.get("deleted") and not include_deleted):
        raise not_found()
    return found


def _link_insight_and_dashboard(request: Request, team_id: int, annotation: dict) -> None:
    """Fill the read-only names from the insight and dashboard, when the simulator knows them."""
    insight = None
    if annotation.get("dashboard_item") is not None:
        insight = request.store.get("insight", annotation["dashboard_item"], parent=team_id)
        if insight is None:
            raise validation_error(
                "dashboard_item",
                f'Invalid pk "{annotation["dashboard_item"]}" - object does not exist.',
                "does_not_exist",
            )
    annotation["insight_short_id"] = insight.get("short_id") if insight else None
    annotation["insight_name"] = insight.get("name") if insight else None
    annotation["insight_derived_name"] = insight.get("derived_name") if insight else None
    dashboard = (
        request.store.get("dashboard", annotation["dashboard_id"], parent=team_id)
        if annotation.get("dashboard_id")
        else None
    )
    annotation["dashboard_name"] = dashboard.get("name") if dashboard else None


def _validated(data: dict) -> dict:
    values = {
        "content": text_field(data, "content", max_length=400, allow_blank=True, allow_null=True),
        "date_marker": datetime_field(data, "date_marker"),
        "creation_type": choice_field(data, "creation_type", CREATION_TYPES),
        "dashboard_item": int_field(data, "dashboard_item"),
        "dashboard_id": int_field(data, "dashboard_id"),
        "deleted": bool_field(data, "deleted"),
        "scope": choice_field(data, "scope", SCOPES),
    }
    if values["scope"] == "recording":
        raise ApiError(400, "Recording scope is deprecated", type="validation_error", code="invalid")
    return {k: v for k, v in values.items() if v is not MISSING}


def _record(request: Request, team_id: int, annotation: dict, activity: str, changes=None) -> None:
    context.record_activity(
        request,
        scope="Annotation",
        parent=team_id,
        item_id=annotation["id"],
        activity=activity,
        name=annotation.get("content"),
        changes=changes,
    )


@route("GET", "/api/projects/{project_id}/annotations/", scope="annotation:read")
def annotation_list(request: Request, project_id: str):
    team_id = context.team_id(request, project_id=project_id)
    items = [a for a in _visible(request, team_id) if not a.get("deleted")]

    scope = request.param("scope")
    if scope:
        scope = "dashboard_item" if scope == "insight" else scope
        if scope not in SCOPES:
            raise ApiError(400, f"Invalid scope: {scope}", type="validation_error", code="invalid")
        items = [a for a in items if a.get("scope") == scope]
    bounds = {}
    for name in ("date_from", "date_to"):
        if request.param(name):
            bounds[name] = parse_datetime(request.param(name))
            if bounds[name] is None:
                raise ApiError(
                    400,
                    f"Invalid date range: {name} must be a valid ISO 8601 date",
                    type="validation_error",
                    code="invalid",
                )
    if bounds.get("date_from") and bounds.get("date_to") and bounds["date_from"] > bounds["date_to"]:
        raise ApiError(
            400, "Invalid date range: date_from must be before date_to", type="validation_error", code="invalid"
        )
    if bounds:

        def inside(a: dict) -> bool:
            marker = parse_datetime(a.get("date_marker"))
            if marker is None:
                return False
            return (not bounds.get("date_from") or marker >= bounds["date_from"]) and (
                not bounds.get("date_to") or marker <= bounds["date_to"]
            )

        items = [a for a in items if inside(a)]
    search = (request.param("search") or "").strip()
    if search:
        terms = search.lower().split()
        items = [a for a in items if all(t in (a.get("content") or "").lower() for t in terms)]

    # Newest first; PostgreSQL puts annotations without a date first when ordering descending.
    items.sort(
        key=lambda a: (a.get("date_marker") is None, parse_datetime(a.get("date_marker")) or EPOCH, a["id"]),
        reverse=True,
    )
    if request.param("limit") in (None, ""):
        request.query["limit"] = [str(PAGE_SIZE)]
    return paginate(request, [annotation_view(a) for a in items])


@route("POST", "/api/projects/{project_id}/annotations/", scope="annotation:write")
def annotation_create(request: Request, project_id: str):
    team_id = context.team_id(request, project_id=project_id)
    values = _validated(request.data())
    now = now_iso()
    annotation = {
        "content": None,
        "date_marker": None,
        "creation_type": "USR",
        "dashboard_item": None,
        "dashboard_id": None,
        "deleted": False,
        "scope": "dashboard_item",
        **values,
        "created_by": acting_user_basic(request),
        "created_at": now,
        "updated_at": now,
        "_team": team_id,
    }
    _link_insight_and_dashboard(request, team_id, annotation)
    annotation = request.store.insert("annotation", annotation, parent=team_id)
    _record(request, team_id, annotation, "created")
    return Response(201, annotation_view(annotation))


@route("GET", "/api/projects/{project_id}/annotations/{id}/", scope="annotation:read")
def annotation_get(request: Request, project_id: str, id: str):
    return annotation_view(_find(request, project_id, id, include_deleted=False))


@route("PATCH", "/api/projects/{project_id}/annotations/{id}/", scope="annotation:write")
def annotation_update(request: Request, project_id: str, id: str):
    annotation = _find(request, project_id, id, include_deleted=True)
    values = _validated(request.data())
    before = annotation_view(annotation)
    after = {**annotation, **values, "updated_at": now_iso()}
    if "dashboard_item" in values or "dashboard_id" in values:
        _link_insight_and_dashboard(request, context.team_id(request, project_id=project_id), after)
    request.store.update("annotation", annotation["id"], after)
    changes = context.changes_between(before, annotation_view(after), kind="Annotation")
    if changes:
        activity = "deleted" if values.get("deleted") is True and not annotation.get("deleted") else "updated"
        _record(request, annotation["_team"], after, activity, changes)
    return annotation_view(after)


@route("DELETE", "/api/projects/{project_id}/annotations/{id}/", scope="annotation:write")
def annotation_delete(request: Request, project_id: str, id: str):
    """Hard delete of this model is not allowed. Use a patch API call to set "deleted" to true."""
    _find(request, project_id, id, include_deleted=True)
    raise method_not_allowed("DELETE", empty_body=True)


# Demo data ---------------------------------------------------------------------------------

LONG_RELEASE_NOTE = (
    "Release 4.12 shipped to 100% of users: new onboarding checklist, rewritten billing page, and the "
    "“quick start” modal no longer blocks the dashboard on Safari. Expect a bump in signups and a dip in "
    "time-to-first-event. Known issue: the <Pricing> toggle double-fires $pageview on iOS 17 — fix is in "
    "review (PR #4812). Rollback plan & owner: Zoë (on call until Friday)."
)
LONG_INCIDENT = (
    "Incident INC-2291: ingestion lag of up to 47 minutes between 02:10 and 03:05 UTC after a Kafka broker "
    "ran out of disk. No events were lost, but funnels and retention for that window look low until the "
    "backfill finishes. Post-mortem: https://notion.example/inc-2291 — action items: alerting on disk < 15%, "
    "runbook update, & a load test before the next partition rebalance."
)

SEED_PROJECT_ONE = [
    # (days_ago, content, scope, creator id, deleted)
    (1, "Pricing page A/B test started (variant “annual-first”)", "project", 3, False),
    (2, "Deployed v4.13.2 – hotfix for checkout <button> double submit", "project", 2, False),
    (4, LONG_RELEASE_NOTE, "organization", 5, False),
    (6, "Newsletter sent to 48k subscribers 📬", "project", 6, False),
    (8, "Black-box monitoring flapped; ignore spike in $exception", "dashboard_item", 2, False),
    (10, LONG_INCIDENT, "organization", 2, False),
    (13, "Launched referral programme in DE/AT/CH — “Igel-Freunde”", "project", 6, False),
    (15, "Google Ads budget doubled for Q-end push", "dashboard", 7, False),
    (18, "Bot traffic from 185.220.x.x filtered from this date", "project", 4, False),
    (21, "Onboarding checklist v2 rolled out to 50%", "dashboard_item", 3, False),
    (24, "Typo annotation – please ignore", "project", 1, True),
    (27, "Conference talk at PyCon DE & PyData Berlin", "organization", 5, False),
    (30, "Mobile app 2.0 released on iOS & Android", "project", 2, False),
    (34, "Price increase: Team plan €20 → €25/seat", "organization", 5, False),
    (38, "Switched CDN provider; expect small change in session durations", "project", 8, False),
    (42, "Holiday: Pfingsten / Whit Monday (DE offices closed)", "organization", 7, False),
    (46, "Fixed identify() call firing before consent; unique users drop is expected", "dashboard_item", 2, False),
    (50, "Product Hunt launch 🚀 #3 product of the day", "organization", 6, False),
    (55, "Experiment “short signup form” concluded — variant won (+7.9% conversion)", "project", 4, False),
    (60, "Migrated events pipeline to new ingestion workers", "project", 2, False),
    (64, "Duplicate of the 2024-09 release note", "project", 3, True),
    (68, "Started sending $web_vitals from the marketing site", "dashboard_item", 8, False),
    (74, "Sales kick-off; many internal test accounts created (filtered since)", "project", 7, False),
    (80, "Tracking plan v3 adopted: event names now snake_case", "organization", 4, False),
    (88, "Data retention policy changed to 7 years for EU customers", "organization", 5, False),
]

SEED_PROJECT_TWO = [
    (3, "App Store review approved build 2.3.1", "project", 2, False),
    (9, "Push notification campaign “Spring into hedgehogs”", "project", 6, False),
    (20, "Crash-rate spike on Android 14 (WebView update)", "project", 2, False),
    (35, "Feature flag `new-feed` at 100%", "dashboard_item", 3, False),
    (58, "Minimum iOS version raised to 16", "project", 8, False),
]


def seed(store, world) -> None:
    by_id = {p["id"]: p for p in people(world.user)}
    for project, plan in ((world.projects[0], SEED_PROJECT_ONE), (world.projects[1], SEED_PROJECT_TWO)):
        insights = [i for i in store.all("insight", parent=project["id"]) if not i.get("deleted")]
        for index, (days_ago, content, scope, creator, deleted) in enumerate(plan):
            insight = insights[index % len(insights)] if scope == "dashboard_item" and insights else None
            marker = world.iso(days_ago=days_ago, hours_ago=(index * 7) % 24)
            created = world.iso(days_ago=days_ago, hours_ago=(index * 7) % 24 - 1)
            store.insert(
                "annotation",
                {
                    "content": content,
                    "date_marker": marker,
                    "creation_type": "GIT" if "Deployed" in content else "USR",
                    "dashboard_item": insight["id"] if insight else None,
                    "dashboard_id": None,
                    "dashboard_name": None,
                    "insight_short_id": insight.get("short_id") if insight else None,
                    "insight_name": insight.get("name") if insight else None,
                    "insight_derived_name": insight.get("derived_name") if insight else None,
                    "created_by": user_basic(by_id[creator]),
                    "created_at": created,
                    "updated_at": created,
                    "deleted": deleted,
                    "scope": scope,
                    "_team": project["id"],
                },
                parent=project["id"],
            )
