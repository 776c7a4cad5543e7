"""The key asking about itself: `GET /api/personal_api_keys/@current/` (posthog/api/personal_api_key.py).

PersonalAPIKeyViewSet does not use APIScopePermission: PersonalApiKeySelfAccessPermission lets a personal API key
retrieve itself, and only itself, whatever its scopes. Its serializer answers a key without scopes as `["*"]`.
"""

from simulator.core.http import ApiError, Request
from simulator.core.routing import ANY_KEY, route
from simulator.core.state import AreaState


@route("GET", "/api/personal_api_keys/{id}/", scope=ANY_KEY)
def personal_api_key_get(request: Request, id: str):
    if id != "@current":
        # Only the key itself: any other id is another key (or none), which this key may not retrieve.
        raise ApiError(
            403,
            "This action does not support Personal API Key access",
            type="authentication_error",
            code="permission_denied",
        )
    key = request.key
    return {
        "id": key.get("id") or key["label"].lower().replace(" ", "-"),
        "label": key["label"],
        "value": None,
        "mask_value": "phx_..." + request.authorization.strip()[-4:],
        "created_at": key.get("created_at"),
        "last_used_at": None,
        "user_id": key["user"]["id"],
        "scopes": key.get("scopes") or ["*"],
        "scoped_teams": key.get("scoped_teams") or [],
        "scoped_organizations": key.get("scoped_organizations") or [],
        "last_rolled_at": None,
    }


class State(AreaState):
    """The seeded personal API keys, for tests: what each may do."""

    def scopes(self, key: str) -> list[str] | None:
        """The key's scopes; None for a key made before PostHog had scopes."""
        found = self._store.get("personal_api_key", key)
        if found is None:
            raise KeyError("no such personal API key")
        return found.get("scopes")
