"""A plugin config's custom actions (PluginConfigViewSet), all behind the scope wall: `activity`, `frontend`, `job`
(older PostHog versions only: `profile.plugin_config_job`) and `migrate` (newer ones: `profile.plugin_config_migrate`).
"""

import json
import uuid
from datetime import UTC, datetime

from simulator.areas.hog_functions.state import function_view
from simulator.areas.plugin_configs.hog import NO_MIGRATION, migrate
from simulator.areas.plugin_configs.messages import instance_ids, log_entry
from simulator.areas.plugin_configs.routes import BASE, NOT_CONFIGURABLE, configurable, get_config, record
from simulator.areas.plugin_configs.validation import server_error
from simulator.core import context
from simulator.core.http import ApiError, Request, Response, activity_page
from simulator.core.routing import NO_SCOPE, route


@route("GET", BASE + "/{id}/activity/", scope=NO_SCOPE)
def config_activity(request: Request, project_id: str, id: str):
    """load_activity("PluginConfig", team, [config id]): newest first, paged by `limit` and `page`."""
    team, config, _ = get_config(request, project_id, id)
    return activity_page(request, request.store.activity_list(scope="PluginConfig", parent=team, item_id=config["id"]))


@route("GET", BASE + "/{id}/frontend/", scope=NO_SCOPE)
def config_frontend(request: Request, project_id: str, id: str):
    """JavaScript, as PostHog serves it: the transpiled frontend.tsx, or a stub saying there is none."""
    _, _, plugin = get_config(request, project_id, id)
    source = (plugin.get("_sources") or {}).get("frontend.tsx")
    if source:
        body = '"use strict";\n/* transpiled from frontend.tsx */\n' + source.replace(
            "import React from 'react'", "const React = require('react')"
        )
    else:
        body = "export function getFrontendApp () { return " + json.dumps({"no_frontend": True}) + " }"
    return Response(200, None, headers={"Content-Type": "application/javascript; charset=UTF-8"}, raw=body.encode())


@route("POST", BASE + "/{id}/job/", scope=NO_SCOPE, available=lambda profile: profile.plugin_config_job)
def config_job(request: Request, project_id: str, id: str):
    """posthog/api/plugin.py (older) job: {"job": {"type", "payload", "operation"}} queues a job of the plugin
    (graphile_worker add_job), logs `job_triggered` and answers 200 with an empty body."""
    if not configurable(request):
        raise ApiError(400, NOT_CONFIGURABLE, type="validation_error")
    team, config, plugin = get_config(request, project_id, id)
    job = request.data().get("job", {})
    if not isinstance(job, dict | str | list):
        raise server_error()  # `"type" not in job` on a number or null
    if "type" not in job:  # also a substring test when `job` is text, as in PostHog's code
        raise ApiError(400, "The job type must be specified!", type="validation_error")
    if not isinstance(job, dict):
        raise server_error()  # job.get(...) on a string or a list
    job_type, payload, operation = job.get("type"), job.get("payload", {}), job.get("operation", "start")
    if not isinstance(payload, dict):
        raise server_error()  # {**job_payload, "$operation": job_op}
    moment = datetime.now(UTC)
    message = (
        f'{"Stopping" if operation == "stop" else "Starting"} job "{job_type}" ({uuid.uuid4()}) '
        f"with payload {json.dumps(payload, ensure_ascii=False, default=str)}"
    )
    entry = log_entry(config, instance_ids(team)[0], moment, "SYSTEM", "INFO", message, str(uuid.uuid4()))
    request.store.logs_add([entry])
    change = {"type": "PluginConfig", "action": str(job_type), "field": None, "before": None, "after": None}
    record(request, team, config, plugin, "job_triggered", [change])
    return Response(200)


@route("POST", BASE + "/{id}/migrate/", scope=NO_SCOPE, available=lambda profile: profile.plugin_config_migrate)
def config_migrate(request: Request, project_id: str, id: str):
    """The config becomes a hog function of its plugin's migrator (enabled when the config was, which is then
    disabled); 200 with the hog function (HogFunctionSerializer). No migrator: 400."""
    _, config, plugin = get_config(request, project_id, id)
    function = migrate(request.store, config=config, plugin=plugin, user=context.user_basic(request))
    if function is None:
        raise ApiError(400, NO_MIGRATION, type="validation_error")
    return function_view(function)
