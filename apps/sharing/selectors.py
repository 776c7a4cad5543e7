"""Reads: the insights and recordings one can share, and how one of them is shared."""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from apps.connections.context import PostHogContext
from apps.core.paging import OffsetPage
from apps.posthog.client import normalise_host
from apps.posthog.errors import NotFound
from apps.posthog.values import moment
from apps.sharing.kinds import RECORDINGS, Kind

PAGE_SIZE = 20
LOOKUP_PAGE_SIZE = 100
# PostHog's recordings list covers the last three days unless asked for more (RecordingsQuery's date_from); the
# pages cover what its longest usual retention keeps.
RECORDINGS_SINCE = "-90d"
# Insights cannot be asked for by id in a list, so finding one's name reads at most this many.
MAX_LOOKUP = 500
OPTION_LABELS = {
    "detailed": "detailed",
    "hideExtraDetails": "extra details hidden",
    "legend": "legend",
    "noHeader": "no header",
    "showInspector": "inspector shown",
    "whitelabel": "white-label",
}


@dataclass(frozen=True)
class SharedItem:
    """An insight or a recording as the pages name it."""

    id: str
    title: str
    detail: str  # an insight's description, a recording's first URL
    note: str  # an insight's short id, a recording's length
    when: datetime | None


@dataclass(frozen=True)
class SharePassword:
    id: str
    note: str
    created_by: str
    created_at: datetime | None
    active: bool


@dataclass(frozen=True)
class NewPassword:
    """A password just added, as PostHog answers it this once: nothing keeps it."""

    note: str
    password: str  # empty when PostHog did not send it back


@dataclass(frozen=True)
class Sharing:
    enabled: bool
    link: str
    password_required: bool
    passwords: list[SharePassword]
    # When the current access token was issued: a refresh issues a new one.
    issued_at: datetime | None
    options: list[str]

    @property
    def opening_passwords(self) -> int:
        """How many listed passwords open the link once protection is on: the one number every sentence and the
        list agree on (PostHog lists active passwords only, but a revoked one listed is not counted)."""
        return sum(1 for password in self.passwords if password.active)


def shared_item_page(
    *, context: PostHogContext, kind: Kind, search: str = "", offset: int = 0
) -> OffsetPage[SharedItem]:
    params: dict = {"limit": PAGE_SIZE, "offset": offset}
    if kind is RECORDINGS:
        params["date_from"] = RECORDINGS_SINCE
    if search and kind.searchable:
        params["search"] = search
    answer = context.client.get(kind.path(context), params=params)
    answer = answer if isinstance(answer, dict) else {}
    items = [_shared_item(kind, row) for row in answer.get("results") or [] if isinstance(row, dict)]
    return OffsetPage.of_answer(answer, items=items, offset=offset, limit=PAGE_SIZE)


def shared_item_find(*, context: PostHogContext, kind: Kind, item_id: str) -> SharedItem | None:
    """The insight or recording in PostHog's list, or None when the list does not hold it."""
    params: dict = {"limit": LOOKUP_PAGE_SIZE}
    if kind is RECORDINGS:
        params["session_ids"] = json.dumps([item_id])  # PostHog narrows recordings; insights have no such filter
        params["date_from"] = RECORDINGS_SINCE
    for row in context.client.paginate(kind.path(context), params=params, max_items=MAX_LOOKUP):
        if isinstance(row, dict) and str(row.get("id")) == item_id:
            return _shared_item(kind, row)
    return None


def shared_item_exists(*, context: PostHogContext, kind: Kind, item_id: str) -> bool:
    if kind is RECORDINGS:
        # PostHog shares any session ID, even one it never recorded: only its list tells which exist.
        return shared_item_find(context=context, kind=kind, item_id=item_id) is not None
    try:
        sharing_get(context=context, kind=kind, item_id=item_id)
    except NotFound:
        return False
    return True


def sharing_get(*, context: PostHogContext, kind: Kind, item_id: str) -> Sharing:
    """How the item is shared; PostHog makes a (disabled) configuration on the first read."""
    return _sharing(context=context, answer=context.client.get(kind.path(context, item_id, "sharing")))


def new_password_of(answer: Any) -> NewPassword | None:
    """PostHog's answer to adding a password ({id, password, note, created_at, created_by_email}); None when it
    answered nothing."""
    if not isinstance(answer, dict):
        return None
    return NewPassword(note=str(answer.get("note") or ""), password=str(answer.get("password") or ""))


def _sharing(*, context: PostHogContext, answer: Any) -> Sharing:
    """PostHog's sharing configuration as the pages show it."""
    answer = answer if isinstance(answer, dict) else {}
    token = str(answer.get("access_token") or "")
    settings: dict[str, Any] = answer["settings"] if isinstance(answer.get("settings"), dict) else {}
    # The link opens PostHog's own page: on the connection's host (the pages only read with a connection).
    host = normalise_host(context.connection.host) if context.connection else ""
    return Sharing(
        enabled=answer.get("enabled") is True,
        link=f"{host}/shared/{token}" if token else "",
        password_required=answer.get("password_required") is True,
        passwords=[_password(entry) for entry in answer.get("share_passwords") or [] if isinstance(entry, dict)],
        issued_at=moment(answer.get("created_at")),
        options=[OPTION_LABELS.get(key, key) for key, value in sorted(settings.items()) if value is True],
    )


def _shared_item(kind: Kind, row: dict) -> SharedItem:
    if kind is RECORDINGS:
        return SharedItem(
            id=str(row.get("id")),
            title=str(row.get("distinct_id") or "Anonymous person"),
            detail=str(row.get("start_url") or ""),
            note=_duration(row.get("recording_duration")),
            when=moment(row.get("start_time")),
        )
    return SharedItem(
        id=str(row.get("id")),
        title=str(row.get("name") or row.get("derived_name") or f"Insight {row.get('id')}"),
        detail=str(row.get("description") or ""),
        note=str(row.get("short_id") or ""),
        when=moment(row.get("last_modified_at")),
    )


def _duration(seconds: Any) -> str:
    """1234 -> "20 min 34 s"."""
    if not isinstance(seconds, (int, float)) or seconds < 0:
        return ""
    minutes, rest = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def _password(entry: dict) -> SharePassword:
    return SharePassword(
        id=str(entry.get("id")),
        note=str(entry.get("note") or ""),
        created_by=str(entry.get("created_by_email") or ""),
        created_at=moment(entry.get("created_at")),
        active=entry.get("is_active") is not False,
    )
