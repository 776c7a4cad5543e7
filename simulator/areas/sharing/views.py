"""How the sharing, insights and recordings APIs shape what they answer (PostHog's serializers)."""

from simulator.areas.roles.people import user_basic

PASSWORD_FIELDS = ("id", "created_at", "note", "created_by_email", "is_active")


def config_view(config: dict) -> dict:
    """posthog/api/sharing.py SharingConfigurationSerializer; only active passwords, never their hashes (an
    unsaved configuration has none)."""
    return {
        "created_at": config["created_at"],
        "enabled": config["enabled"],
        "access_token": config["access_token"],
        "settings": config["settings"],
        "password_required": config["password_required"],
        "share_passwords": [{key: p[key] for key in PASSWORD_FIELDS} for p in config["passwords"] if p["is_active"]],
    }


def new_password_view(password: dict, raw: str) -> dict:
    """SharingConfigurationViewSet.create_password: the raw password is answered this once."""
    return {
        "id": password["id"],
        "password": raw,
        "note": password["note"],
        "created_at": password["created_at"],
        "created_by_email": password["created_by_email"],
    }


def _creator(stored: dict) -> dict:
    """UserBasicSerializer of an insight's creator, who works in engineering."""
    return user_basic({**stored, "role_at_organization": "engineering"})


def insight_view(insight: dict) -> dict:
    """posthog/api/insight.py InsightSerializer's fields; query results are not computed by the simulator."""
    creator = _creator(insight["created_by"])
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
    """posthog/session_recordings/session_recording_api.py SessionRecordingSerializer: the stored fields."""
    return dict(recording)
