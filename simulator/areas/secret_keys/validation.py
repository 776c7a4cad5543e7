"""Project secret API key bodies, refused as posthog/api/project_secret_api_key.py refuses them.

The serializer's own ValidationErrors carry no code, so drf-exceptions-hog answers `invalid_input`; those raised in
`validate_scopes` name the field (`attr: "scopes"`), those raised in `create` (the limit, a taken label) name none.
"""

import json
from pathlib import Path

from simulator.areas.secret_keys.state import allowed_scopes, newest
from simulator.core.fields import MISSING, sent
from simulator.core.http import ApiError, validation_error
from simulator.profiles import Profile

# posthog/models/project_secret_api_key.py: label = CharField(max_length=40).
MAX_LABEL_LENGTH = 40
# posthog/scopes.py API_SCOPE_OBJECTS (less INTERNAL_API_SCOPE_OBJECTS): an unknown object is an invalid scope.
SCOPE_OBJECTS = frozenset(json.loads((Path(__file__).parent / "data" / "scope_objects.json").read_text()))
SCOPE_ACTIONS = ("read", "write")
LLM_GATEWAY_UNAVAILABLE = "LLM gateway scope is not available for this project. Contact support to enable this feature."


def label(data: dict, *, required: bool) -> str | None:
    value = sent(data, "label", required=required)
    if value is MISSING:
        return None
    if isinstance(value, (bool, dict, list)):
        raise validation_error("label", "Not a valid string.", "invalid")
    value = str(value).strip()  # DRF trims whitespace
    if not value:
        raise validation_error("label", "This field may not be blank.", "blank")
    if len(value) > MAX_LABEL_LENGTH:
        raise validation_error(
            "label", f"Ensure this field has no more than {MAX_LABEL_LENGTH} characters.", "max_length"
        )
    return value


def _refused(scope: str, profile: Profile) -> ApiError:
    allowed = allowed_scopes(profile)
    if newest(profile):
        # The newest builds the list from a set, sorted; llm_gateway:read has its own answer (the `ai-gateway`
        # flag is off for the demo organization).
        if scope == "llm_gateway:read":
            return validation_error("scopes", LLM_GATEWAY_UNAVAILABLE, "invalid")
        allowed = tuple(sorted(allowed))
    return validation_error(
        "scopes",
        f"Scope '{scope}' can not be assigned to a project secret API key. Allowed scopes: {', '.join(allowed)}",
        "invalid",
    )


def scopes(data: dict, profile: Profile, *, required: bool) -> list[str] | None:
    """ListField(child=CharField(), allow_empty=False), then ProjectSecretAPIKeySerializer.validate_scopes."""
    values = sent(data, "scopes", required=required)
    if values is MISSING:
        return None
    if not isinstance(values, list):
        raise validation_error(
            "scopes", f'Expected a list of items but got type "{type(values).__name__}".', "not_a_list"
        )
    if not values:
        raise validation_error("scopes", "This list may not be empty.", "empty")
    for index, scope in enumerate(values):
        if scope is None:
            raise validation_error(f"scopes__{index}", "This field may not be null.", "null")
        if isinstance(scope, (bool, dict, list)):
            raise validation_error(f"scopes__{index}", "Not a valid string.", "invalid")
        if str(scope).strip() == "":
            raise validation_error(f"scopes__{index}", "This field may not be blank.", "blank")
    values = [str(s).strip() for s in values]
    allowed = allowed_scopes(profile)
    for scope in values:
        if scope == "*":
            raise validation_error(
                "scopes",
                "Wildcard scope '*' is not allowed for project API keys. Please specify explicit scopes.",
                "invalid",
            )
        parts = scope.split(":")
        if len(parts) != 2 or parts[0] not in SCOPE_OBJECTS or parts[1] not in SCOPE_ACTIONS:
            raise validation_error("scopes", f"Invalid scope: {scope}", "invalid")
        if scope not in allowed:
            raise _refused(scope, profile)
    return values


def limit_reached(profile: Profile) -> ApiError:
    """ProjectSecretAPIKeySerializer.create: MAX_PROJECT_SECRET_API_KEYS_PER_TEAM (10, newest 50)."""
    count = profile.secret_keys_limit
    return ApiError(
        400,
        f"You can only have {count} project secret API keys. Remove an existing key before creating a new one.",
        type="validation_error",
        code="invalid",
    )


def label_taken(value: str) -> ApiError:
    """ProjectSecretAPIKeySerializer.create turns the `unique_team_label` IntegrityError into this (no attr)."""
    return ApiError(
        400,
        f"Project secret API key with label '{value}' already exists.",
        type="validation_error",
        code="invalid",
    )
