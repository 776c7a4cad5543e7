"""Sharing of insights and session recordings, plus the insight and recording lists the portal picks from.

Follows PostHog's `SharingConfigurationViewSet`: one configuration per resource, made on first read;
PATCH changes enabled/settings/password_required; passwords can only be added once password protection
is on (that error answers `{"error": ...}`, as PostHog does), the raw password is answered once, on
creation; refresh issues a new access token (a new configuration: new created_at, and the active
passwords are carried over with new ids when password protection is on).
"""

import hashlib
import random
import secrets
import uuid
from typing import Any

from simulator.core import context
from simulator.core.http import ApiError, Request, Response, paginate, validation_error
from simulator.core.routing import route
from simulator.core.store import now_iso

SETTINGS_KEYS = ("detailed", "hideExtraDetails", "legend", "noHeader", "showInspector", "whitelabel")
MAX_NOTE_LENGTH = 100
MIN_PASSWORD_LENGTH = 8
TRUE_VALUES = {True, "1", "true", "True", "TRUE", "t", "T", "yes", "y", "on"}
FALSE_VALUES = {False, "0", "false", "False", "FALSE", "f", "F", "no", "n", "off"}

INSIGHT_PREFIXES = (
    "/api/projects/{project_id}/insights/{insight_id}/sharing",
    "/api/environments/{environment_id}/insights/{insight_id}/sharing",
)
RECORDING_PREFIX = "/api/environments/{environment_id}/session_recordings/{recording_id}/sharing"


def sharing_routes(method: str, suffix: str, *, scope: str):
    """Register one handler for insights (project and environment prefix) and recordings."""

    def register(handler):
        for prefix in (*INSIGHT_PREFIXES, RECORDING_PREFIX):
            route(method, prefix + suffix, scope=scope)(handler)
        return handler

    return register


def new_access_token() -> str:
    return secrets.token_urlsafe(22)


def hash_password(raw: str) -> str:
    return "sha256$" + hashlib.sha256(raw.encode()).hexdigest()


# Resources --------------------------------------------------------------------------------------


def project_team_ids(store, project_id: int) -> list[int]:
    return [e["id"] for e in store.all("environment", parent=project_id)] or [project_id]


class Shared:
    """The resource a sharing request is about, with the keys its configuration is stored under."""

    def __init__(
        self, *, team_id: int, config_id: str, scope: str, item_id: Any, name: str | None, short_id: str | None
    ) -> None:
        self.team_id, self.config_id, self.scope = team_id, config_id, scope
        self.item_id, self.name, self.short_id = item_id, name, short_id


def _resource(
    request: Request,
    *,
    project_id: str | None = None,
    environment_id: str | None = None,
    insight_id: str | None = None,
    recording_id: str | None = None,
) -> Shared:
    """The shared object named by whichever of the three sharing paths matched."""
    if environment_id is not None:
        environment = context.environment(request, environment_id)
        team_id, project = environment["id"], environment["project_id"]
    else:
        project_doc = context.project(request, project_id)
        team_id, project = project_doc["id"], project_doc["id"]
    if recording_id is not None:
        # PostHog builds the recording on the fly (get_or_build): any session id can be shared.
        recording = request.store.get("session_recording", recording_id, parent=team_id)
        name = (recording or {}).get("distinct_id")
        return Shared(
            team_id=team_id,
            config_id=f"recording:{team_id}:{recording_id}",
            scope="Replay",
            item_id=recording_id,
            name=name,
            short_id=None,
        )
    insight = request.store.get("insight", insight_id) if insight_id.isdigit() else None
    if insight is None or insight["team_id"] not in project_team_ids(request.store, project):
        raise ApiError(404, "Insight not found.", code="not_found")
    return Shared(
        team_id=team_id,
        config_id=f"insight:{insight['id']}",
        scope="Insight",
        item_id=insight["id"],
        name=insight.get("name") or insight.get("derived_name"),
        short_id=insight["short_id"],
    )


def _config(request: Request, shared: Shared) -> dict:
    found = request.store.get("sharing_configuration", shared.config_id)
    if found is None:
        found = request.store.insert(
            "sharing_configuration",
            {
                "id": shared.config_id,
                "created_at": now_iso(),
                "enabled": False,
                "access_token": new_access_token(),
                "settings": None,
                "password_required": False,
                "passwords": [],
            },
            id=shared.config_id,
            parent=shared.team_id,
        )
    return found


def config_view(config: dict) -> dict:
    return {
        "created_at": config["created_at"],
        "enabled": config["enabled"],
        "access_token": config["access_token"],
        "settings": config["settings"],
        "password_required": config["password_required"],
        "share_passwords": [
            {key: p[key] for key in ("id", "created_at", "note", "created_by_email", "is_active")}
            for p in config["passwords"]
            if p["is_active"]
        ],
    }


def _record(request: Request, shared: Shared, activity: str, changes: list[dict] | None = None) -> None:
    context.record_activity(
        request,
        scope=shared.scope,
        parent=shared.team_id,
        item_id=shared.item_id,
        activity=activity,
        name=shared.name,
        changes=changes,
        short_id=shared.short_id,
    )


def _boolean(attr: str, value: Any) -> bool:
    if isinstance(value, (bool, int, str)) and value in TRUE_VALUES:
        return True
    if isinstance(value, (bool, int, str)) and value in FALSE_VALUES:
        return False
    raise validation_error(attr, "Must be a valid boolean.", "invalid")


def _settings(value: Any) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise validation_error("settings", "Invalid settings format", "invalid")
    cleaned = {}
    for key in SETTINGS_KEYS:  # unknown keys are dropped, as PostHog filters them before validating
        if key in value and value[key] is not None:
            try:
                cleaned[key] = _boolean("settings", value[key])
            except ApiError:
                raise validation_error("settings", "Invalid settings format", "invalid") from None
    return dict(sorted(cleaned.items()))


# Sharing ----------------------------------------------------------------------------------------


@sharing_routes("GET", "/", scope="sharing_configuration:read")
def sharing_get(
    request: Request,
    **ids: str,
):
    shared = _resource(request, **ids)
    return config_view(_config(request, shared))


@sharing_routes("PATCH", "/", scope="sharing_configuration:write")
def sharing_patch(
    request: Request,
    **ids: str,
):
    shared = _resource(request, **ids)
    data = request.data()
    config = _config(request, shared)
    before = config_view(config)
    if "enabled" in data:
        config["enabled"] = _boolean("enabled", data["enabled"])
    if "settings" in data:
        config["settings"] = _settings(data["settings"])
    if "password_required" in data:
        config["password_required"] = _boolean("password_required", data["password_required"])
    request.store.update("sharing_configuration", config["id"], config)
    after = config_view(config)
    changes = [
        {"type": shared.scope, "action": "changed", "field": "sharing", "before": None, "after": config["enabled"]}
    ]
    changes += [c for c in context.changes_between(before, after, kind=shared.scope) if c["field"] != "enabled"]
    _record(request, shared, "sharing " + ("enabled" if config["enabled"] else "disabled"), changes)
    return after


@sharing_routes("POST", "/refresh/", scope="sharing_configuration:write")
def sharing_refresh(
    request: Request,
    **ids: str,
):
    shared = _resource(request, **ids)
    config = _config(request, shared)
    carried = []
    if config["password_required"]:
        carried = [{**p, "id": request.store.next_id("share_password")} for p in config["passwords"] if p["is_active"]]
    config.update({"created_at": now_iso(), "access_token": new_access_token(), "passwords": carried})
    request.store.update("sharing_configuration", config["id"], config)
    _record(request, shared, "access token refreshed")
    return config_view(config)


@sharing_routes("POST", "/passwords/", scope="sharing_configuration:write")
def sharing_password_create(
    request: Request,
    **ids: str,
):
    shared = _resource(request, **ids)
    config = _config(request, shared)
    if not config["password_required"]:
        return Response(400, {"error": "Password protection must be enabled before creating passwords"})
    data = request.data()
    raw = data.get("raw_password")
    if raw is not None and (isinstance(raw, (bool, dict, list))):
        raise validation_error("raw_password", "Not a valid string.", "invalid")
    raw = "" if raw is None else str(raw)
    if raw and len(raw) < MIN_PASSWORD_LENGTH:
        raise validation_error("raw_password", "Password must be at least 8 characters long.", "invalid")
    note = data.get("note", "")
    if note is None:
        raise validation_error("note", "This field may not be null.", "null")
    if isinstance(note, (bool, dict, list)):
        raise validation_error("note", "Not a valid string.", "invalid")
    note = str(note)
    if len(note) > MAX_NOTE_LENGTH:
        raise validation_error(
            "note", f"Ensure this field has no more than {MAX_NOTE_LENGTH} characters.", "max_length"
        )
    raw = raw or secrets.token_urlsafe(16)
    email = context.acting_user(request)["email"]
    password = {
        "id": request.store.next_id("share_password"),
        "created_at": now_iso(),
        "note": note,
        "created_by_email": email,
        "is_active": True,
        "password_hash": hash_password(raw),
    }
    config["passwords"].append(password)
    request.store.update("sharing_configuration", config["id"], config)
    _record(
        request,
        shared,
        "share password created",
        [
            {
                "type": shared.scope,
                "action": "created",
                "field": "share_password",
                "before": None,
                "after": {"id": password["id"], "note": note},
            }
        ],
    )
    return Response(
        201,
        {
            "id": password["id"],
            "password": raw,
            "note": note,
            "created_at": password["created_at"],
            "created_by_email": email,
        },
    )


@sharing_routes("DELETE", "/passwords/{password_id}/", scope="sharing_configuration:write")
def sharing_password_delete(
    request: Request,
    password_id: str,
    **ids: str,
):
    shared = _resource(request, **ids)
    config = _config(request, shared)
    for password in config["passwords"]:
        if str(password["id"]) == password_id and password["is_active"]:
            password["is_active"] = False
            request.store.update("sharing_configuration", config["id"], config)
            _record(
                request,
                shared,
                "share password deleted",
                [
                    {
                        "type": shared.scope,
                        "action": "deleted",
                        "field": "share_password",
                        "before": {"id": password["id"], "note": password["note"]},
                        "after": None,
                    }
                ],
            )
            return
    raise ApiError(404, "Password not found", code="not_found")


# What can be shared -----------------------------------------------------------------------------


def insight_view(insight: dict) -> dict:
    """The list serializer's fields; query results are not computed by the simulator."""
    stored = insight["created_by"]
    creator = {
        "id": stored["id"],
        "uuid": stored["uuid"],
        "distinct_id": stored.get("distinct_id"),
        "first_name": stored.get("first_name", ""),
        "last_name": stored.get("last_name", ""),
        "email": stored["email"],
        "is_email_verified": True,
        "hedgehog_config": None,
        "role_at_organization": "engineering",
    }
    return {
        "id": insight["id"],
        "short_id": insight["short_id"],
        "name": insight["name"],
        "derived_name": insight.get("derived_name"),
        "description": insight.get("description", ""),
        "query": insight.get("query"),
        "order": None,
        "deleted": insight.get("deleted", False),
        "dashboards": [],
        "dashboard_tiles": [],
        "tags": insight.get("tags", []),
        "favorited": insight.get("favorited", False),
        "created_at": insight["created_at"],
        "created_by": creator,
        "updated_at": insight["last_modified_at"],
        "last_modified_at": insight["last_modified_at"],
        "last_modified_by": creator,
        "last_viewed_at": insight.get("last_viewed_at"),
        "last_refresh": None,
        "cache_target_age": None,
        "next_allowed_client_refresh": None,
        "result": None,
        "hasMore": None,
        "columns": None,
        "is_cached": False,
        "query_status": None,
        "hogql": None,
        "types": None,
        "timezone": insight.get("timezone", "UTC"),
        "alerts": [],
        "is_sample": False,
        "effective_restriction_level": 21,
        "effective_privilege_level": 37,
        "user_access_level": "editor",
    }


def recording_view(recording: dict) -> dict:
    return dict(recording)


@route("GET", "/api/projects/{project_id}/insights/", scope="insight:read")
@route("GET", "/api/environments/{environment_id}/insights/", scope="insight:read")
def insight_list(request: Request, project_id: str | None = None, environment_id: str | None = None):
    if environment_id is not None:
        project = context.environment(request, environment_id)["project_id"]
    else:
        project = context.project(request, project_id)["id"]
    teams = set(project_team_ids(request.store, project))
    insights = [i for i in request.store.all("insight") if i["team_id"] in teams and not i.get("deleted")]
    if short_id := request.param("short_id"):
        insights = [i for i in insights if i["short_id"] == short_id]
    if search := (request.param("search") or "").lower():
        insights = [i for i in insights if search in (i["name"] or i.get("derived_name") or "").lower()]
    insights.sort(key=lambda i: i["last_modified_at"], reverse=True)
    return paginate(request, [insight_view(i) for i in insights])


@route("GET", "/api/environments/{environment_id}/session_recordings/", scope="session_recording:read")
@route("GET", "/api/projects/{project_id}/session_recordings/", scope="session_recording:read")
def recording_list(request: Request, project_id: str | None = None, environment_id: str | None = None):
    team = context.team_id(request, project_id=project_id, environment_id=environment_id)
    recordings = sorted(
        request.store.all("session_recording", parent=team), key=lambda r: r["start_time"], reverse=True
    )
    return paginate(request, [recording_view(r) for r in recordings])


# Demo data --------------------------------------------------------------------------------------

INSIGHTS = [
    ("Weekly active users", "TrendsQuery", "Pageviews and sessions from unique users, week over week."),
    ("Signup → activation funnel", "FunnelsQuery", "Where new sign-ups drop off before their first dashboard."),
    ("Retention by cohort (8 weeks)", "RetentionQuery", ""),
    ("Revenue & refunds by plan", "TrendsQuery", "Stripe data joined to events; refunds shown as negatives."),
    ("<b>Checkout</b> conversion – EU vs US", "FunnelsQuery", "HTML-ish names must be escaped by the portal."),
    ("Feature flag exposure: new-onboarding", "TrendsQuery", ""),
    ("Nutzung pro Tag (Deutschland)", "TrendsQuery", "Tägliche Nutzung für das DACH-Team."),
    ("Lifecycle of returning hedgehogs", "LifecycleQuery", "New, returning, resurrecting and dormant users."),
    (
        "Top paths from the pricing page",
        "PathsQuery",
        "A very long description: " + "pricing page visitors "
        "wander through docs, comparison tables and the calculator before they talk to sales. " * 4,
    ),
    (None, "TrendsQuery", ""),  # unnamed insight: PostHog shows its derived name
    ("Stickiness of the mobile app", "StickinessQuery", ""),
    ("App crashes per release 📱", "TrendsQuery", "Crash events by $app_version."),
]
DISTINCT_IDS = [
    "user_8f2a1c",
    "anna.schmidt@example.de",
    "0190b7e2-aa41-7c3e-9f1d-6c3b2a1d0e9f",
    "kenji_t",
    "bob@globex.example",
    "guest-4471",
    "lea.martin",
    "søren",
    "<img src=x>",
    "ravi.k",
]
START_URLS = [
    "https://hedgehog.example/",
    "https://hedgehog.example/pricing",
    "https://app.hedgehog.example/signup",
    "https://app.hedgehog.example/dashboard/42",
    "https://docs.hedgehog.example/getting-started?ref=nav&x=1",
]
PASSWORD_NOTES = ["Board deck – Q3", "Für das Vertriebsteam", "<b>Investor</b> & partners", "Agency access"]


def _short_id(rng: random.Random) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(rng.choice(alphabet) for _ in range(8))


def _seed_config(
    store,
    world,
    rng: random.Random,
    team_id: int,
    config_id: str,
    *,
    enabled: bool,
    password_notes: list[str],
    settings: dict | None,
    days_ago: float,
) -> None:
    passwords = []
    for number, note in enumerate(password_notes):
        passwords.append(
            {
                "id": store.next_id("share_password"),
                "created_at": world.iso(days_ago=days_ago - number),
                "note": note,
                "created_by_email": world.user["email"],
                "is_active": True,
                "password_hash": hash_password(f"demo-password-{config_id}-{number}"),
            }
        )
    if password_notes:  # one revoked password, which reads leave out
        passwords.append(
            {
                "id": store.next_id("share_password"),
                "created_at": world.iso(days_ago=days_ago),
                "note": "Old link (revoked)",
                "created_by_email": world.user["email"],
                "is_active": False,
                "password_hash": hash_password("revoked"),
            }
        )
    store.insert(
        "sharing_configuration",
        {
            "id": config_id,
            "created_at": world.iso(days_ago=days_ago),
            "enabled": enabled,
            "access_token": "".join(
                rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") for _ in range(30)
            ),
            "settings": settings,
            "password_required": bool(password_notes),
            "passwords": passwords,
        },
        id=config_id,
        parent=team_id,
    )


def seed(store, world) -> None:
    user = {**world.user}
    for environment in world.environments:
        team_id = environment["id"]
        rng = random.Random(f"sharing-{team_id}")
        is_main = team_id == world.projects[0]["id"]
        count = len(INSIGHTS) if is_main else (4 if environment["name"] != "Production" else 6)
        offset = 0 if is_main else (5 if environment["name"] == "Production" else 2)
        for number in range(count):
            name, kind, description = INSIGHTS[(number + offset) % len(INSIGHTS)]
            days = 200 - number * 13 + rng.random()
            insight = store.insert(
                "insight",
                {
                    "team_id": team_id,
                    "short_id": _short_id(rng),
                    "name": name,
                    "derived_name": f"Pageview count by week ({kind})" if name is None else None,
                    "description": description,
                    "query": {"kind": "InsightVizNode", "source": {"kind": kind}},
                    "tags": ["marketing"] if number % 3 == 0 else [],
                    "favorited": number % 4 == 1,
                    "created_at": world.iso(days_ago=days),
                    "created_by": user,
                    "last_modified_at": world.iso(days_ago=max(0.2, days - 20 - rng.random() * 30)),
                    "last_viewed_at": world.iso(days_ago=rng.random() * 10),
                    "deleted": False,
                    "timezone": environment.get("timezone", "UTC"),
                },
                parent=team_id,
            )
            if number % 4 == 0:
                _seed_config(
                    store,
                    world,
                    rng,
                    team_id,
                    f"insight:{insight['id']}",
                    enabled=True,
                    password_notes=PASSWORD_NOTES[: 1 + number % 3] if is_main else [],
                    settings={"legend": True, "noHeader": number % 8 == 0},
                    days_ago=30 - number,
                )
            elif number % 4 == 1:
                _seed_config(
                    store,
                    world,
                    rng,
                    team_id,
                    f"insight:{insight['id']}",
                    enabled=True,
                    password_notes=[],
                    settings=None,
                    days_ago=12,
                )
            elif number % 4 == 2 and is_main:
                _seed_config(
                    store,
                    world,
                    rng,
                    team_id,
                    f"insight:{insight['id']}",
                    enabled=False,
                    password_notes=[],
                    settings={"whitelabel": True},
                    days_ago=60,
                )
        recordings = 14 if is_main else 6
        for number in range(recordings):
            started = rng.uniform(0.05, 28)
            duration = rng.randint(8, 2400)
            active = int(duration * rng.uniform(0.2, 0.95))
            recording_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            retention = 30 if team_id == world.projects[0]["id"] else 90
            store.insert(
                "session_recording",
                {
                    "id": recording_id,
                    "distinct_id": DISTINCT_IDS[(number + team_id) % len(DISTINCT_IDS)],
                    "viewed": number % 3 == 0,
                    "viewers": [world.user["email"]] if number % 3 == 0 else [],
                    "recording_duration": duration,
                    "active_seconds": active,
                    "inactive_seconds": duration - active,
                    "start_time": world.iso(days_ago=started),
                    "end_time": world.iso(days_ago=started - duration / 86400),
                    "click_count": rng.randint(0, 120),
                    "keypress_count": rng.randint(0, 400),
                    "mouse_activity_count": rng.randint(10, 2000),
                    "console_log_count": rng.randint(0, 40),
                    "console_warn_count": rng.randint(0, 8),
                    "console_error_count": rng.choice([0, 0, 0, 1, 3]),
                    "start_url": START_URLS[number % len(START_URLS)],
                    "storage": "object_storage",
                    "retention_period_days": retention,
                    "expiry_time": world.iso(days_ago=started - retention),
                    "recording_ttl": retention - int(started),
                    "snapshot_source": "web" if number % 5 else "mobile",
                    "ongoing": started < 0.1,
                    "activity_score": round(rng.uniform(0, 100), 2),
                },
                id=recording_id,
                parent=team_id,
            )
            if number in (0, 3) or (number == 5 and is_main):
                _seed_config(
                    store,
                    world,
                    rng,
                    team_id,
                    f"recording:{team_id}:{recording_id}",
                    enabled=number != 5,
                    password_notes=PASSWORD_NOTES[1:2] if number == 3 else [],
                    settings={"showInspector": True} if number == 0 else None,
                    days_ago=5 + number,
                )
