"""A test run: `POST …/hog_functions/{id}/invocations/` (hog_function:write).

products/cdp/backend/api/hog_function.py HogFunctionViewSet.invocations: the body's `configuration` is required
(unless `use_draft`, and the simulator keeps no drafts), validated as HogFunctionSerializer validates an update of
the function (secret inputs left out or sent as {"secret": true} are the stored ones); refused, the serializer's
errors are the answer as they are ({"configuration": {"inputs": {"url": ["…"]}}}, no drf-exceptions-hog shape).
The CDP worker then runs it (nodejs/src/cdp/cdp-api.ts postFunctionInvocation): `globals` must hold an `event`
(else 400 {"status": "error", "errors": ["Missing event"]}); destinations run with `fetch` mocked unless
`mock_async_functions` is false; transformations answer the event they made (`result`). The answer:
{"result", "status": "success" | "error" | "skipped", "errors", "logs": [{level, timestamp, message}]}. Site apps
and other types answer 400 "Invalid function type". The run's logs and metric are also the function's
(hogFunctionMonitoringService.queueInvocationResults).
"""

import hashlib
import json
import random
import uuid
from datetime import UTC, datetime

from simulator.areas.hog_functions import records
from simulator.areas.hog_functions.routes import both
from simulator.areas.hog_functions.runs import completed, event_url, fetch_url, redacted, run, sensitive_values, takes
from simulator.areas.hog_functions.state import KIND
from simulator.areas.hog_functions.validation import validated
from simulator.core.http import ApiError, Request, Response

FILTERED = "Mapping trigger not matching filters was ignored."
GEOIP = {
    "$geoip_city_name": "Berlin",
    "$geoip_country_name": "Germany",
    "$geoip_country_code": "DE",
    "$geoip_continent_name": "Europe",
    "$geoip_time_zone": "Europe/Berlin",
}


@both("POST", "/{id}/invocations/", "hog_function:write")
def hog_function_invocations(request: Request, team: int, id: str):
    function = request.store.get(KIND, id, parent=team)
    if function is not None and function.get("deleted"):
        function = None  # get_object() failed: the worker runs the configuration as a new function
    data = request.data()
    if data.get("use_draft"):
        raise ApiError(400, "This function has no staged draft to test.", type="validation_error", attr="use_draft")
    if "configuration" not in data:
        raise ApiError(
            400, "Required unless use_draft is true.", type="validation_error", code="invalid", attr="configuration"
        )
    configuration = data["configuration"]
    if not isinstance(configuration, dict):
        return Response(400, {"configuration": {"non_field_errors": ["Invalid data. Expected a dictionary."]}})
    try:
        values = validated(request, configuration, team=team, instance=function)
    except ApiError as error:
        return Response(400, {"configuration": _nested(error.attr, error.detail)})
    compound = {**(function or {"id": "new", "team_id": team, "inputs": {}}), **values}
    globals_ = data.get("globals")
    if not isinstance(globals_, dict) or not isinstance(globals_.get("event"), dict):
        return Response(400, {"status": "error", "errors": ["Missing event"]})
    event = globals_["event"]
    mocked = data.get("mock_async_functions", True) is not False
    if compound["type"] in ("destination", "internal_destination"):
        answer = _destination(compound, event, mocked)
    elif compound["type"] == "transformation":
        answer = _transformation(compound, event)
    else:
        return Response(400, {"status": "error", "errors": ["Invalid function type"]})
    hidden = sensitive_values(compound)
    answer["logs"] = [{**line, "message": redacted(line["message"], hidden)} for line in answer["logs"]]
    if function is not None:
        _keep(request, function, answer)
    return answer


def _destination(function: dict, event: dict, mocked: bool) -> dict:
    if not takes(function, str(event.get("event") or "")):
        return _answer("skipped", None, [("info", FILTERED)])
    lines = [("debug", "Executing function")]
    if mocked:
        arguments = {
            "headers": _plain(function, "headers"),
            "body": _plain(function, "body"),
            "method": _plain(function, "method") or "POST",
        }
        lines += [
            ("info", "Async function 'fetch' was mocked with arguments:"),
            ("info", f"fetch('{fetch_url(function)}', {json.dumps(arguments, indent=2, default=str)})"),
            ("debug", _completed(function, event)),
        ]
        return _answer("success", None, lines)
    rng = random.Random(str(event.get("uuid")))
    done = run(
        rng,
        function,
        datetime.now(UTC),
        event_name=str(event.get("event") or ""),
        fails=bool(function.get("_failure")),
        verbose=True,
    )
    lines = [(level.lower(), message) for _, level, message in done.lines]
    if done.metric == "failed":
        return _answer("error", None, lines, errors=[lines[-1][1].split(": ", 1)[-1]])
    return _answer("success", None, lines)


def _transformation(function: dict, event: dict) -> dict:
    if not takes(function, str(event.get("event") or "")):
        return _answer("skipped", None, [("info", FILTERED)])
    made = json.loads(json.dumps(event))
    properties = made.setdefault("properties", {})
    template = function.get("template_id")
    if template == "template-geoip" and properties.get("$ip"):
        properties.update(GEOIP)
    elif template == "template-pii-hashing":
        salt = _plain(function, "salt") or ""
        for name in [
            part.strip() for part in str(_plain(function, "propertiesToHash") or "").split(",") if part.strip()
        ]:
            if properties.get(name) not in (None, ""):
                properties[name] = hashlib.sha256(f"{properties[name]}{salt}".encode()).hexdigest()
    return _answer("success", made, [("debug", _completed(function, event))])


def _plain(function: dict, key: str):
    return ((function.get("inputs") or {}).get(key) or {}).get("value")


def _completed(function: dict, event: dict) -> str:
    rng = random.Random(str(event.get("uuid")))
    return completed(rng, event_url(function["team_id"], str(event.get("uuid") or ""), datetime.now(UTC)))


def _answer(status: str, result, lines: list[tuple[str, str]], *, errors: list[str] | None = None) -> dict:
    now = datetime.now(UTC)
    # Luxon's DateTime as JSON: milliseconds and a Z.
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    logs = [{"level": level, "timestamp": stamp, "message": message} for level, message in lines]
    return {"result": result, "status": status, "errors": errors or [], "logs": logs}


def _keep(request: Request, function: dict, answer: dict) -> None:
    """queueInvocationResults: the test run's logs and metric land with the function's own."""
    now = datetime.now(UTC)
    instance_id = str(uuid.uuid4())  # the invocation's id
    entries = [
        records.log_entry(function["id"], now, line["level"], line["message"], instance_id) for line in answer["logs"]
    ]
    records.logs_add(request.store, function, entries)
    metric = {"success": "succeeded", "error": "failed", "skipped": "filtered"}[answer["status"]]
    records.metrics_add(request.store, function, now, {metric: 1})


def _nested(attr: str | None, detail: str) -> dict:
    """A flattened `attr` (inputs__url) as DRF's nested errors: {"inputs": {"url": ["…"]}}."""
    parts = (attr or "non_field_errors").split("__")
    errors: dict | list = [detail]
    for part in reversed(parts):
        errors = {part: errors}
    return errors  # type: ignore[return-value]
