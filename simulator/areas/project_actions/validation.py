"""Request bodies of the project actions, refused as PostHog refuses them."""

import json
from pathlib import Path

from simulator.core.http import ApiError

# posthog/schema.py ProductKey: the products onboarding knows about.
PRODUCT_KEYS: tuple[str, ...] = tuple(json.loads((Path(__file__).parent / "data" / "product_keys.json").read_text()))
# posthog/api/integration_config.py validate_secret_token_generation (a DRF ValidationError, so attr null).
SECRET_TOKEN_DEPRECATED = (
    "The feature flags secure API key is deprecated. Create a project secret API key with the feature_flag:read "
    "scope instead."
)


def product_type(data: dict) -> str:
    """posthog/api/project.py complete_product_onboarding: `{"error": ...}` bodies, not DRF's error shape."""
    value = data.get("product_type")
    if not value:
        raise ApiError(400, "product_type is required", raw={"error": "product_type is required"})
    if value not in PRODUCT_KEYS:
        message = f"invalid product_type, expected one of {list(PRODUCT_KEYS)}"
        raise ApiError(400, message, raw={"error": message})
    return value


def secret_token_refused() -> ApiError:
    return ApiError(400, SECRET_TOKEN_DEPRECATED, type="validation_error", code="invalid")
