"""What this person deleted lately and PostHog can still restore, kept in their session for the Undo buttons.

PostHog lists no deleted items, so the portal remembers what each delete answered: per connection and project,
the newest first, a few at most. Only type, ref and path are kept: nothing secret.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from apps.connections.request import PortalRequest
from apps.file_system.paths import name_of
from apps.file_system.selectors import Filed
from apps.posthog.values import moment

SESSION_KEY = "file_system_recently_deleted"
KEPT = 20


@dataclass(frozen=True)
class Deleted(Filed):
    type: str
    ref: str
    path: str
    deleted_at: datetime | None

    @property
    def key(self) -> str:
        return f"{self.type}:{self.ref}"

    @property
    def name(self) -> str:
        return name_of(self.path) or self.ref

    def undo_item(self) -> dict[str, str]:
        return {"type": self.type, "ref": self.ref, "path": self.path}


def _bucket(request: PortalRequest) -> str:
    connection = request.posthog.connection
    return f"{connection.pk if connection else ''}:{request.posthog.project_id}"


def _stored(request: PortalRequest) -> list[dict[str, Any]]:
    return request.session.get(SESSION_KEY, {}).get(_bucket(request), [])


def _store(request: PortalRequest, entries: list[dict[str, Any]]) -> None:
    buckets = request.session.get(SESSION_KEY, {})
    buckets[_bucket(request)] = entries[:KEPT]
    request.session[SESSION_KEY] = buckets


def deleted_remember(request: PortalRequest, *, deleted: list[dict[str, Any]]) -> list[Deleted]:
    """Keeps the restorable items of a delete's answer; returns them."""
    now = timezone.now().isoformat()
    kept = [
        {"type": str(item["type"]), "ref": str(item["ref"]), "path": str(item.get("path") or ""), "deleted_at": now}
        for item in deleted
        if item.get("can_undo") and item.get("type") and item.get("ref")
    ]
    if kept:
        keys = {(item["type"], item["ref"]) for item in kept}
        _store(request, kept + [e for e in _stored(request) if (e["type"], e["ref"]) not in keys])
    return [_deleted(entry) for entry in kept]


def deleted_list(request: PortalRequest) -> list[Deleted]:
    return [_deleted(entry) for entry in _stored(request)]


def deleted_find(request: PortalRequest, *, key: str) -> Deleted | None:
    return next((item for item in deleted_list(request) if item.key == key), None)


def deleted_forget(request: PortalRequest, *, key: str) -> None:
    _store(request, [entry for entry in _stored(request) if f"{entry['type']}:{entry['ref']}" != key])


def _deleted(entry: dict[str, Any]) -> Deleted:
    return Deleted(type=entry["type"], ref=entry["ref"], path=entry["path"], deleted_at=moment(entry["deleted_at"]))
