"""Project secret API keys as the store keeps them (one document per key, parent = the environment's team id),
their answers, and `State`."""

import secrets
from datetime import UTC, datetime

from simulator.areas.roles.people import user_basic
from simulator.core.seed import DEMO_KEY
from simulator.core.state import AreaState
from simulator.core.store import Store, now_iso
from simulator.profiles import Profile

KIND = "project_secret_api_key"
# posthog/scopes.py PROJECT_SECRET_API_KEY_ALLOWED_API_SCOPE_ACTION: the version with at most 10 keys allowed two
# scopes; the newest (50 keys) five. llm_gateway:read is granted only behind the `ai-gateway` flag.
ALLOWED_SCOPES_OLDER = ("endpoint:read", "feature_flag:read")
ALLOWED_SCOPES_NEWEST = ("endpoint:read", "feature_flag:read", "account:read", "loop:write", "experiment:read")


def newest(profile: Profile) -> bool:
    """Is this the newest posthog/api/project_secret_api_key.py (five scopes, sorted in its refusal)?"""
    return profile.secret_keys_newest_scopes


def allowed_scopes(profile: Profile) -> tuple[str, ...]:
    return ALLOWED_SCOPES_NEWEST if newest(profile) else ALLOWED_SCOPES_OLDER


def generate_value() -> str:
    """posthog/models/utils.py generate_random_token_secret: `phs_` and a random token."""
    return "phs_" + secrets.token_urlsafe(35)


def mask(value: str) -> str:
    """posthog/models/utils.py mask_key_value: first and last four characters."""
    return f"{value[:4]}...{value[-4:]}"


def key_view(key: dict, profile: Profile, value: str | None = None) -> dict:
    """ProjectSecretAPIKeySerializer. `value` is the plaintext only right after create and roll (null otherwise);
    `created_by` is UserBasicSerializer in the newest version and the plain user id before."""
    creator = key["created_by"]
    if newest(profile):
        created_by = user_basic(creator) if isinstance(creator, dict) else None
    else:
        created_by = creator["id"] if isinstance(creator, dict) else creator
    return {
        "id": key["id"],
        "label": key["label"],
        "value": value,
        "mask_value": key["mask_value"],
        "created_at": key["created_at"],
        "created_by": created_by,
        "last_used_at": key["last_used_at"],
        "last_rolled_at": key["last_rolled_at"],
        "scopes": key["scopes"] or [],  # to_representation turns null scopes into []
    }


def team_keys(store: Store, team_id: int) -> list[dict]:
    """ProjectSecretAPIKeyViewSet.safely_get_queryset: newest first."""
    return sorted(store.all(KIND, parent=team_id), key=lambda k: k["created_at"], reverse=True)


def new_key(label: str, scopes: list[str], created_by: dict, *, value: str) -> dict:
    key_id = secrets.token_urlsafe(24)
    return {
        "id": key_id,
        "label": label,
        "mask_value": mask(value),
        "created_at": now_iso(),
        "created_by": created_by,
        "last_used_at": None,
        "last_rolled_at": None,
        "scopes": scopes,
    }


def roll(store: Store, key: dict) -> tuple[dict, str]:
    """ProjectSecretAPIKeySerializer.roll: a new value and mask, `last_rolled_at` now."""
    value = generate_value()
    key = {**key, "mask_value": mask(value), "last_rolled_at": now_iso()}
    store.update(KIND, key["id"], key)
    return key, value


class State(AreaState):
    """`server.state.secret_keys`: the project secret API keys, as the API answers them in this profile."""

    @property
    def limit(self) -> int:
        """How many keys one environment may hold in this PostHog version."""
        return self._profile.secret_keys_limit

    def allowed_scopes(self) -> list[str]:
        """The scopes this version lets a project secret API key hold."""
        return list(allowed_scopes(self._profile))

    def all(self, environment_id: int) -> list[dict]:
        """The environment's keys, newest first (`value` null)."""
        return [key_view(k, self._profile) for k in team_keys(self._store, environment_id)]

    def get(self, id: str) -> dict:
        key = self._store.get(KIND, id)
        if key is None:
            raise KeyError(f"no project secret API key {id}")
        return key_view(key, self._profile)

    def add(
        self,
        environment_id: int,
        label: str,
        scopes: list[str] | tuple[str, ...] = ("feature_flag:read",),
        *,
        created_by: dict | None = None,
        created_at: datetime | None = None,
    ) -> dict:
        """A key as if made in PostHog's app (by the demo keys' user unless `created_by`, a user dict, is given),
        answered with its `value` as create answers it. Unchecked: no limit, label or scope rules, so a test can
        fill an environment up to (or past) the limit quickly."""
        with self._store.lock:
            creator = created_by or self._store.get("personal_api_key", DEMO_KEY)["user"]
            value = generate_value()
            key = new_key(label, list(scopes), creator, value=value)
            if created_at is not None:
                key["created_at"] = created_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
            self._store.insert(KIND, key, parent=environment_id, id=key["id"])
        return key_view(key, self._profile, value)

    def activity(self, environment_id: int, id: str | None = None) -> list[dict]:
        """The environment's "ProjectSecretAPIKey" activity entries (of one key when given), newest first."""
        return self._store.activity_list(scope="ProjectSecretAPIKey", parent=environment_id, item_id=id)

    def delete(self, id: str) -> None:
        with self._store.lock:
            self._store.delete(KIND, id)
