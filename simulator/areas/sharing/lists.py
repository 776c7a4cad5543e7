"""The lists the portal picks what to share from: insights (posthog/api/insight.py, a limit/offset page) and session
recordings (posthog/session_recordings/session_recording_api.py SessionRecordingViewSet.list)."""

import re
from datetime import UTC, datetime, timedelta

from simulator.areas.sharing import state, validation
from simulator.areas.sharing.views import insight_view, recording_view
from simulator.core import context
from simulator.core.http import Request, paginate
from simulator.core.routing import route

RECORDINGS_DEFAULT_LIMIT = 50  # SESSION_RECORDINGS_DEFAULT_LIMIT
RECORDINGS_VERSION = 4
RELATIVE_DATE = re.compile(r"-?(?P<number>[0-9]+)?(?P<type>[a-zA-Z])(?P<position>Start|End)?")
# posthog/utils.py relative_date_parse; months, quarters and years counted in days here.
UNITS = {"h": 1 / 24, "d": 1, "w": 7, "m": 30, "q": 91, "y": 365, "M": 1 / 1440}


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def date_bound(value) -> datetime | None:
    """A RecordingsQuery date: an ISO date or date-time, or relative to now ("-3d", "-12h", "-1m"...); "all" and
    anything unreadable set no bound."""
    if value is None or value == "all":
        return None
    text = str(value)
    try:
        moment = _moment(text)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except ValueError:
        pass
    found = RELATIVE_DATE.fullmatch(text)
    if found is None or found["type"] not in UNITS:
        return None
    return datetime.now(UTC) - timedelta(days=int(found["number"] or 1) * UNITS[found["type"]])


@route("GET", "/api/projects/{project_id}/insights/", scope="insight:read")
@route("GET", "/api/environments/{environment_id}/insights/", scope="insight:read")
def insight_list(request: Request, project_id: str | None = None, environment_id: str | None = None):
    if environment_id is not None:
        project = context.environment(request, environment_id)["project_id"]
    else:
        project = context.project(request, project_id)["id"]
    teams = set(state.project_team_ids(request.store, project))
    insights = [i for i in request.store.all(state.INSIGHT) if i["team_id"] in teams and not i.get("deleted")]
    if short_id := request.param("short_id"):
        insights = [i for i in insights if i["short_id"] == short_id]
    if search := (request.param("search") or "").lower():
        insights = [i for i in insights if search in (i["name"] or i.get("derived_name") or "").lower()]
    insights.sort(key=lambda i: i["last_modified_at"], reverse=True)
    return paginate(request, [insight_view(i) for i in insights])


@route("GET", "/api/environments/{environment_id}/session_recordings/", scope="session_recording:read")
@route("GET", "/api/projects/{project_id}/session_recordings/", scope="session_recording:read")
def recording_list(request: Request, project_id: str | None = None, environment_id: str | None = None):
    """`{"results", "has_next", "version": 4}`: no count and no next URL; page with limit (50 unless given) and
    offset. Only recordings that started after `date_from` are listed, which is "-3d" unless the query says
    otherwise (RecordingsQuery's default)."""
    team = context.team_id(request, project_id=project_id, environment_id=environment_id)
    query = validation.recordings_query(request.param)
    recordings = request.store.all(state.RECORDING, parent=team)
    if (since := date_bound(query["date_from"])) is not None:
        recordings = [r for r in recordings if _moment(r["start_time"]) >= since]
    if (until := date_bound(query["date_to"])) is not None:
        recordings = [r for r in recordings if _moment(r["start_time"]) <= until]
    if query["session_ids"] is not None:
        recordings = [r for r in recordings if r["id"] in query["session_ids"]]
    if query["distinct_ids"] is not None:
        recordings = [r for r in recordings if r.get("distinct_id") in query["distinct_ids"]]
    field = "recording_duration" if query["order"] == "duration" else query["order"]
    recordings.sort(
        key=lambda r: (r.get(field) is not None, r.get(field) or 0, r["start_time"]),
        reverse=query["order_direction"] == "DESC",
    )
    limit = query["limit"] or RECORDINGS_DEFAULT_LIMIT
    offset = query["offset"] or 0
    page = recordings[offset : offset + limit]
    return {
        "results": [recording_view(r) for r in page],
        "has_next": len(recordings) > offset + limit,
        "version": RECORDINGS_VERSION,
    }
