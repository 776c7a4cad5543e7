"""Secrets never reach the audit trail: values under secret-looking keys, and anything shaped like
a PostHog key (phx_, phs_, phc_...), are replaced wherever they sit."""

import re
from typing import Any

MASK = "••••••"
SECRET_KEY_PARTS = ("password", "secret", "token", "api_key", "apikey", "private")
POSTHOG_KEY_PATTERN = re.compile(r"\bph[a-z]_[A-Za-z0-9_-]{8,}")


def is_secret_key(name: str) -> bool:
    lowered = name.lower()
    return any(part in lowered for part in SECRET_KEY_PARTS)


def mask_secrets(data: Any, extra_secret_keys: frozenset[str] = frozenset()) -> Any:
    if isinstance(data, dict):
        return {
            key: MASK
            if value not in (None, "") and (is_secret_key(str(key)) or key in extra_secret_keys)
            else mask_secrets(value, extra_secret_keys)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [mask_secrets(item, extra_secret_keys) for item in data]
    if isinstance(data, str):
        return POSTHOG_KEY_PATTERN.sub(MASK, data)
    return data
