"""Cohort routes: posthog/api/cohort.py `CohortViewSet` (scope_object "cohort", `ForbidDestroyModel`)."""

from simulator.areas.cohorts import state, uploads, validation
from simulator.areas.cohorts.validation import error
from simulator.areas.file_system.state import file_object
from simulator.areas.roles.people import acting_user_basic
from simulator.core import context
from simulator.core.fields import MISSING
from simulator.core.http import Request, Response, method_not_allowed, not_found, paginate
from simulator.core.routing import route
from simulator.core.store import now_iso

BASE = "/api/projects/{project_id}/cohorts"
# _record(request, team_id, cohort, activity, changes=None)
_record = context.ActivityRecorder("Cohort")


def _find(request: Request, project_id: str, cohort_id: str) -> tuple[int, dict]:
    team_id = context.team_id(request, project_id=project_id)
    found = state.find(request.store, team_id, cohort_id)
    if found is None:
        raise not_found()
    return team_id, found


def _csv(request: Request) -> list[str] | None:
    """The IDs of the `csv` file a multipart body carries, if it carries one."""
    upload = request.files.get("csv")
    return uploads.csv_ids(upload[1])[0] if upload else None


@route("GET", BASE + "/", scope="cohort:read")
def cohort_list(request: Request, project_id: str):
    """CohortViewSet.safely_get_queryset and _filter_request: live cohorts, newest first; `search` (name),
    `type` (static|dynamic), `created_by_id`, and `hide_behavioral_cohorts`."""
    team_id = context.team_id(request, project_id=project_id)
    cohorts = [c for c in state.team_cohorts(request.store, team_id) if not c.get("deleted")]
    if (request.param("hide_behavioral_cohorts") or "false").lower() == "true":
        behavioral = state.behavioral_ids(cohorts)
        cohorts = [c for c in cohorts if c["id"] not in behavioral]
    kind = request.param("type")
    if kind in ("static", "dynamic"):
        cohorts = [c for c in cohorts if bool(c.get("is_static")) == (kind == "static")]
    if request.param("created_by_id"):
        cohorts = [c for c in cohorts if str((c.get("created_by") or {}).get("id")) == request.param("created_by_id")]
    search = (request.param("search") or "").strip().lower()
    if search:
        cohorts = [c for c in cohorts if search in (c.get("name") or "").lower()]
    return paginate(request, [state.cohort_view(c) for c in state.newest_first(cohorts)])


@route("POST", BASE + "/", scope="cohort:write")
def cohort_create(request: Request, project_id: str):
    """CohortSerializer.create. A static cohort takes its persons from `_create_static_person_ids` (at once) and
    from a multipart `csv` file (imported in the background); a dynamic one starts calculating."""
    team_id = context.team_id(request, project_id=project_id)
    data = validation.body(request)
    fields = validation.common(data)
    is_static = fields["is_static"] is True
    existing_ids = {c["id"] for c in request.store.all("cohort", parent=team_id)}
    filters = validation.validated_filters(data.get("filters"), static=is_static, existing_ids=existing_ids)
    query = validation.validated_query(data.get("query"))
    person_ids = validation.person_ids(data)
    if query and validation.has_values(filters):
        raise error("Cannot set both query and filters at the same time.", attr=None)
    if query and not is_static:
        raise error("Cannot create a dynamic cohort with a query. Set is_static to true.", attr=None)
    csv_ids = _csv(request) if is_static else None

    now = now_iso()
    cohort = {
        "name": None if fields["name"] is MISSING else fields["name"],
        "description": "" if fields["description"] is MISSING else fields["description"],
        "groups": data.get("groups") if isinstance(data.get("groups"), list) else [],
        "deleted": fields["deleted"] is True,
        "filters": filters,
        "query": query,
        "version": None,
        "pending_version": None,
        "is_calculating": False,
        "created_by": acting_user_basic(request),
        "created_at": now,
        "last_calculation": None,
        "errors_calculating": 0,
        "last_error_message": None,
        "count": None,
        "is_static": is_static,
        "cohort_type": None,
        "experiment_set": [],
        "_team": team_id,
    }
    chosen_type = fields["cohort_type"]
    cohort["cohort_type"] = chosen_type if chosen_type not in (MISSING, None, "") else state.derived_type(cohort)
    if is_static:
        cohort.update({"version": 1, "last_calculation": now})
        if person_ids or csv_ids is None:
            state.add_persons(cohort, person_ids)
        if csv_ids is not None:
            state.start_import(cohort, csv_ids)
    else:
        state.start_calculation(cohort)
    cohort = request.store.insert("cohort", cohort, parent=team_id)
    folder = fields["_create_in_folder"]
    file_object(
        request.store,
        team_id,
        kind="cohort",
        ref=cohort["id"],
        name=cohort["name"] or "Untitled cohort",
        folder=None if folder is MISSING else folder,
        created_by=cohort["created_by"]["id"],
        created_at=now,
    )
    _record(request, team_id, cohort, "created")
    return Response(201, state.cohort_view(cohort))


@route("GET", BASE + "/{id}/", scope="cohort:read")
def cohort_get(request: Request, project_id: str, id: str):
    """Deleted cohorts still answer (with `deleted: true`): only the list leaves them out."""
    return state.cohort_view(_find(request, project_id, id)[1])


def _check_deletion(request: Request, team_id: int, cohort: dict) -> None:
    """CohortSerializer.update, newest: a cohort other cohorts use as criteria cannot be deleted."""
    users = state.used_by(request.store, team_id, cohort["id"])
    if users:
        names = ", ".join(c.get("name") or "Unnamed" for c in users[:5])
        if len(users) > 5:
            names = f"{names}, and {len(users) - 5} more"
        raise error(
            f"This cohort is used as criteria in {len(users)} other cohort(s): {names}. "
            "Please remove this cohort from those cohort definitions before deleting it.",
            attr=None,
        )


@route("PATCH", BASE + "/{id}/", scope="cohort:write")
def cohort_update(request: Request, project_id: str, id: str):
    """CohortSerializer.update: any change but a deletion recalculates a dynamic cohort; a static one takes a
    multipart `csv` file's persons; references may not loop."""
    team_id, cohort = _find(request, project_id, id)
    data = validation.body(request)
    fields = validation.common(data)
    after = dict(cohort)
    for name in ("name", "description", "is_static"):
        if fields[name] is not MISSING:
            after[name] = fields[name]
    if isinstance(data.get("groups"), list):
        after["groups"] = data["groups"]
    if "query" in data:
        after["query"] = validation.validated_query(data["query"])
    if "filters" in data:
        existing_ids = {c["id"] for c in request.store.all("cohort", parent=team_id)}
        after["filters"] = validation.validated_filters(
            data["filters"], static=after["is_static"], existing_ids=existing_ids
        )
        criteria = validation.has_values(cohort.get("filters")) or validation.has_values(after["filters"])
        if (
            state.newest_code(request.profile)
            and after["is_static"]
            and after["filters"] != cohort.get("filters")
            and criteria
        ):
            raise error(
                "Editing the criteria of a static cohort is not supported yet. Create a new static cohort instead.",
                attr=None,
            )
    if fields["cohort_type"] is not MISSING:
        after["cohort_type"] = fields["cohort_type"]
    elif "filters" in data or fields["is_static"] is not MISSING:
        after["cohort_type"] = state.derived_type(after)

    deleted = fields["deleted"]
    deletion_change = deleted is not MISSING and deleted != bool(cohort.get("deleted"))
    if deletion_change:
        if deleted and state.newest_code(request.profile):
            _check_deletion(request, team_id, cohort)
        after["deleted"] = deleted
        if deleted:
            after["experiment_set"] = []  # de-attached from experiments
    if state.creates_loop(request.store, team_id, cohort["id"], after["filters"]):
        raise error("Cohorts cannot reference other cohorts in a loop.", attr=None)
    if deleted is not True:
        if after["is_static"]:
            csv_ids = _csv(request)
            if csv_ids is not None:
                state.start_import(after, csv_ids)
        else:
            state.start_calculation(after)
    request.store.update("cohort", cohort["id"], after)

    before_view, after_view = state.cohort_view(cohort), state.cohort_view(after)
    changes = context.changes_between(
        {k: before_view[k] for k in state.TRACKED}, {k: after_view[k] for k in state.TRACKED}, kind="Cohort"
    )
    if changes:
        _record(request, team_id, after, "deleted" if deletion_change and deleted else "updated", changes)
    return after_view


@route("DELETE", BASE + "/{id}/", scope="cohort:write")
def cohort_delete(request: Request, project_id: str, id: str):
    """posthog/api/forbid_destroy_model.py: 405 with no body, before any lookup. PATCH `deleted: true` instead."""
    context.team_id(request, project_id=project_id)
    raise method_not_allowed("DELETE", empty_body=True)
