"""One run of a hog function on an event, as PostHog's CDP workers log and count it (the living data, the seed and
test invocations share it).

Worded as nodejs/src/cdp/services/hog-executor.service.ts logs a run ("Executing function", the suspension for
`fetch`, "Function completed in …ms. Sync: …ms. Mem: … bytes. Ops: …. Event: '…'") and a failed request ("HTTP
request failed with status 503 (…)", then "Error executing function on event <uuid>: Request failed with status
503 (…)"). Which events a function takes follows its filters' events (the simulator reads no property filters).
"""

import random
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

RUNS_ON_SERVER = ("destination", "internal_destination", "transformation")
URL = re.compile(r"https://[^'\"\s)]+")
SAMPLE_EVENTS = ("$pageview", "$pageview", "$autocapture", "signed_up", "plan_changed", "$identify", "invite_sent")


@dataclass
class Run:
    """What one run leaves: log lines (moment, level, message) under one instance id, and one metric."""

    instance_id: str
    metric: str  # succeeded, failed or filtered
    lines: list[tuple[datetime, str, str]] = field(default_factory=list)


def takes(function: dict, event_name: str) -> bool:
    """Whether the function's filters let the event through: no events named means every event."""
    events = [entry.get("id") or entry.get("name") for entry in (function.get("filters") or {}).get("events") or []]
    actions = (function.get("filters") or {}).get("actions") or []
    return (not events and not actions) or event_name in events


def fetch_url(function: dict) -> str:
    """Where a destination sends: its `url` input, else the first address its code names."""
    value = ((function.get("inputs") or {}).get("url") or {}).get("value")
    if isinstance(value, str) and value:
        return value
    found = URL.search(function.get("hog") or "")
    return found.group(0) if found else "https://hooks.example.com/posthog"


def event_url(team_id: int, event_uuid: str, moment: datetime) -> str:
    """globals.event.url: the event's page in PostHog's app."""
    return f"https://us.posthog.com/project/{team_id}/events/{event_uuid}/{moment.isoformat()}"


def run(rng: random.Random, function: dict, moment: datetime, *, event_name: str, fails: bool, verbose: bool) -> Run:
    """One run; `fails` makes its request fail (with the function's `_failure`, else a 503); `verbose` keeps the
    debug lines of a run that went well (the living data logs only some of them)."""
    instance_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    if not takes(function, event_name):
        return Run(instance_id, "filtered")
    event_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    elapsed = [0]

    def at() -> datetime:
        """The moment of the run's next line: a few milliseconds after the last."""
        elapsed[0] += rng.randint(3, 40)
        return moment + timedelta(milliseconds=elapsed[0])

    result = Run(instance_id, "failed" if fails else "succeeded")
    destination = function["type"] != "transformation"
    if fails and destination:
        failure = function.get("_failure") or {"status": 503, "reason": "Service Unavailable"}
        said = f"{failure['status']} ({failure['reason']})"
        result.lines += [
            (at(), "DEBUG", "Executing function"),
            (at(), "WARN", f"HTTP request failed with status {said}. "),
            (at(), "ERROR", f"Error executing function on event {event_uuid}: Request failed with status {said}"),
        ]
        return result
    if fails:  # a transformation fails in its own code
        result.lines.append(
            (
                at(),
                "ERROR",
                f"Error executing function on event {event_uuid}: HogVMException: Execution timed out "
                f"after 0.1 seconds. Performed {rng.randint(40000, 90000)} ops.",
            )
        )
        return result
    if not verbose:
        return result
    if destination:
        result.lines += [
            (at(), "DEBUG", "Executing function"),
            (
                at(),
                "DEBUG",
                f"Suspending function due to async function call 'fetch'. Payload: {rng.randint(600, 4000)} "
                f"bytes. Event: {event_uuid}",
            ),
            (at(), "DEBUG", "Resuming function"),
        ]
    result.lines.append((at(), "DEBUG", completed(rng, event_url(function["team_id"], event_uuid, moment))))
    return result


def completed(rng: random.Random, url: str) -> str:
    """hog-executor.service.ts: numbers to two significant digits (formatNumber), memory in kb."""
    total = rng.randint(2, 180)
    return (
        f"Function completed in {_number(total)}ms. Sync: {rng.randint(0, min(total, 4))}ms. "
        f"Mem: {_number(rng.randint(400, 9000) / 1024)}kb. Ops: {rng.randint(8, 400)}. Event: '{url}'"
    )


def _number(value: float) -> str:
    """formatNumber: Number(value.toPrecision(2)).toString()."""
    rounded = float(f"{value:.2g}")
    return str(int(rounded)) if rounded.is_integer() else str(rounded)


def sensitive_values(function: dict) -> list[str]:
    """nodejs/src/cdp/utils.ts getSensitiveValues: the text of every secret input (inside a dictionary's values
    too), which the workers replace in log messages with ***REDACTED***."""
    secrets = {item["key"] for item in function.get("inputs_schema") or [] if item.get("secret")}
    found: list[str] = []

    def collect(value) -> None:
        if isinstance(value, str) and value.strip():
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    for key in secrets:
        collect(((function.get("inputs") or {}).get(key) or {}).get("value"))
    return found


def redacted(message: str, values: list[str]) -> str:
    for value in values:
        message = message.replace(value, "***REDACTED***")
    return message
