"""What the sharing area keeps, and `State`, its public API for tests and benches.

- `insight` docs (`team_id` and `parent` the insight's team), `session_recording` docs (`parent=<team id>`);
- `sharing_configuration` docs (id `insight:<id>` or `recording:<team>:<session id>`, `parent=<team id>`): the
  stored SharingConfiguration of a resource with its SharePasswords (posthog/models/sharing_configuration.py).
  PostHog stores a configuration only once it is changed (PATCH, refresh, ...); until then every read answers an
  unsaved one (`created_at` null, a new access token each time).
"""

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from simulator.core.state import AreaState
from simulator.core.store import Store, now_iso

CONFIG, INSIGHT, RECORDING, PASSWORD_COUNTER = "sharing_configuration", "insight", "session_recording", "share_password"


def new_access_token() -> str:
    return secrets.token_urlsafe(22)


def hash_password(raw: str) -> str:
    return "sha256$" + hashlib.sha256(raw.encode()).hexdigest()


def project_team_ids(store: Store, project_id: int) -> list[int]:
    return [e["id"] for e in store.all("environment", parent=project_id)] or [project_id]


@dataclass(frozen=True)
class Shared:
    """The resource a sharing request is about, with the key its configuration is stored under."""

    team_id: int
    config_id: str
    scope: str  # the activity log's scope: "Insight" or "Replay"
    item_id: Any
    name: str | None
    short_id: str | None

    @property
    def is_insight(self) -> bool:
        return self.scope == "Insight"


def insight_shared(team_id: int, insight: dict) -> Shared:
    return Shared(
        team_id=team_id,
        config_id=f"insight:{insight['id']}",
        scope="Insight",
        item_id=insight["id"],
        name=insight.get("name") or insight.get("derived_name"),
        short_id=insight["short_id"],
    )


def recording_shared(store: Store, team_id: int, recording_id: str) -> Shared:
    # SessionRecording.get_or_build: any session id can be shared, known to the simulator or not.
    recording = store.get(RECORDING, recording_id, parent=team_id)
    return Shared(
        team_id=team_id,
        config_id=f"recording:{team_id}:{recording_id}",
        scope="Replay",
        item_id=recording_id,
        name=(recording or {}).get("distinct_id"),
        short_id=None,
    )


def config_of(store: Store, shared: Shared) -> dict:
    """The stored configuration, or an unsaved one (SharingConfigurationViewSet._get_sharing_configuration
    "gets but does not create")."""
    return store.get(CONFIG, shared.config_id) or {
        "id": shared.config_id,
        "created_at": None,
        "enabled": False,
        "access_token": new_access_token(),
        "settings": None,
        "password_required": False,
        "passwords": [],
    }


def config_save(store: Store, shared: Shared, config: dict) -> dict:
    if config["created_at"] is None:
        return store.insert(CONFIG, {**config, "created_at": now_iso()}, id=shared.config_id, parent=shared.team_id)
    return store.update(CONFIG, shared.config_id, config)


def config_rotate(store: Store, shared: Shared, config: dict) -> dict:
    """SharingConfiguration.rotate_access_token: a new configuration (new token and created_at) with the same
    enabled, settings and password_required; the active passwords are copied (new ids) when a password is
    required. The old token stays valid for a grace period, which no API answer shows."""
    copied = []
    if config["password_required"]:
        copied = [
            {**p, "id": store.next_id(PASSWORD_COUNTER), "created_at": now_iso()}
            for p in config["passwords"]
            if p["is_active"]
        ]
    rotated = {**config, "created_at": None, "access_token": new_access_token(), "passwords": copied}
    if store.get(CONFIG, shared.config_id) is None:
        return config_save(store, shared, rotated)
    rotated["created_at"] = now_iso()
    return store.update(CONFIG, shared.config_id, rotated)


def password_add(store: Store, config: dict, *, raw: str, note: str, email: str) -> dict:
    password = {
        "id": store.next_id(PASSWORD_COUNTER),
        "created_at": now_iso(),
        "note": note,
        "created_by_email": email,
        "is_active": True,
        "password_hash": hash_password(raw),
    }
    config["passwords"].append(password)
    return password


class State(AreaState):
    """The insights, session recordings and sharing configurations as tests and benches see them."""

    def insights(self, project_id: int | None = None) -> list[dict]:
        """Every insight (with its `team_id`), or those of one project's environments."""
        found = self._store.all(INSIGHT)
        if project_id is None:
            return found
        teams = set(project_team_ids(self._store, project_id))
        return [i for i in found if i["team_id"] in teams]

    def insight(self, insight_id: int) -> dict | None:
        return self._store.get(INSIGHT, insight_id)

    def recordings(self, team_id: int | None = None) -> list[dict]:
        """Every session recording, or one environment's, newest first."""
        found = self._store.all(RECORDING) if team_id is None else self._store.all(RECORDING, parent=team_id)
        return sorted(found, key=lambda r: r["start_time"], reverse=True)

    def recording_add(self, team_id: int, recording_id: str, **fields: Any) -> dict:
        """A session recording of an environment; `fields` as the list answers them (start_time, distinct_id...)."""
        document = {"id": recording_id, "start_time": now_iso(), "distinct_id": None, **fields}
        return self._store.insert(RECORDING, document, id=recording_id, parent=team_id)

    def sharing(self, *, insight_id: int | None = None, team_id: int | None = None, recording_id: str | None = None):
        """The stored configuration of an insight, or of a recording of an environment (`team_id`), with every
        password (revoked ones too, `password_hash` included); None while PostHog has stored none."""
        config_id = f"insight:{insight_id}" if insight_id is not None else f"recording:{team_id}:{recording_id}"
        return self._store.get(CONFIG, config_id)

    def sharing_configurations(self, team_id: int | None = None) -> list[dict]:
        """Every stored configuration, or a team's."""
        return self._store.all(CONFIG) if team_id is None else self._store.all(CONFIG, parent=team_id)

    def activity(self, team_id: int, *, insight_id: int | None = None, recording_id: str | None = None) -> list[dict]:
        """The activity logged for an insight (or a recording) under a team (the team of the URL it was changed
        through), newest first. PostHog logs none for recordings."""
        if insight_id is not None:
            return self._store.activity_list(scope="Insight", parent=team_id, item_id=insight_id)
        return self._store.activity_list(scope="Replay", parent=team_id, item_id=recording_id)
