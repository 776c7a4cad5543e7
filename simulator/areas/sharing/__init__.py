"""Sharing of insights and session recordings, and the insight and recording lists the portal picks them from.

Follows posthog/api/sharing.py (SharingConfigurationViewSet, SharePasswordCreateSerializer,
posthog/models/sharing_configuration.py rotate_access_token), posthog/api/insight.py (the list) and
posthog/session_recordings/session_recording_api.py (the recordings list). A resource's configuration is stored
only once it is changed: before that, reads answer an unsaved one (`created_at` null, a new access token on every
read). Passwords need password protection first (`{"error": ...}` otherwise) and are answered in clear once.
Activity is logged for insights only (PATCH and refresh). The recordings list answers `{"results", "has_next",
"version": 4}` with no count or next URL, and lists only recordings started in the last three days unless
`date_from` says otherwise.

Nothing here differs between the profiles.
"""

from simulator.areas.sharing import lists, routes  # noqa: F401  (registers the routes)
from simulator.areas.sharing.seed import seed
from simulator.areas.sharing.state import State

__all__ = ["State", "seed"]
