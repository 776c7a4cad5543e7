"""Log entries of an export and of one run (posthog/api/log_entries.py LogEntryMixin, `log_source = "batch_exports"`).

`logs` is an action neither viewset gives `required_scopes` nor lists among its scoped actions, so PostHog's scope
wall refuses it to every scoped personal API key (posthog/permissions.py APIScopePermission; openapi.yaml shows
it without a security requirement); only keys made before scopes read it.

`fetch_log_entries` takes the `limit` newest entries (1–500, default 50) matching `after`, `before` (exclusive),
`level`, `search` (case-insensitive) and `instance_id`; the answer pages that list with the same `limit` (DRF's
LimitOffsetPagination, PostHog's default), so `offset` only pages within it and older entries come by `before`.
For a run, the entries are that run's: PostHog picks them by the run (`get_log_entry_instance_id`); the simulator
marks each entry with its run's id as `instance_id` (PostHog writes Temporal's run id there, which no answer shows).
"""

from simulator.areas.batch_exports import validation
from simulator.areas.batch_exports.routing import export_or_404, on_both, related_or_404
from simulator.areas.batch_exports.state import LOG, RUN
from simulator.core.fields import parse_datetime
from simulator.core.http import Request, paginate
from simulator.core.routing import NO_SCOPE


def _entries(request: Request, export: dict, *, run_id: str | None) -> dict:
    query = validation.log_query(request)
    instance = run_id or query["instance_id"]
    search = query["search"].lower()
    found = []
    for entry in request.store.all(LOG, parent=export["id"]):
        at = parse_datetime(entry["timestamp"])
        if instance and entry["instance_id"] != instance:
            continue
        if query.get("after") and not at > query["after"]:
            continue
        if query.get("before") and not at < query["before"]:
            continue
        if query["level"] and entry["level"].upper() not in query["level"]:
            continue
        if search and search not in entry["message"].lower():
            continue
        found.append(entry)
    newest = sorted(found, key=lambda entry: entry["timestamp"], reverse=True)[: query["limit"]]
    fields = ("log_source_id", "instance_id", "timestamp", "level", "message")
    return paginate(request, [{name: entry[name] for name in fields} for entry in newest])


@on_both("GET", "/{id}/logs/", scope=NO_SCOPE)
def export_logs(request: Request, team_id: int, id: str):
    return _entries(request, export_or_404(request, team_id, id), run_id=None)


@on_both("GET", "/{batch_export_id}/runs/{id}/logs/", scope=NO_SCOPE)
def run_logs(request: Request, team_id: int, batch_export_id: str, id: str):
    export = export_or_404(request, team_id, batch_export_id)
    return _entries(request, export, run_id=related_or_404(request, RUN, export, id)["id"])
