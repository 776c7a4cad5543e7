"""Paths in the file system, and what each type of object is called and where it lives (data/types.json).

posthog/models/file_system/file_system.py: paths are "/"-separated; a "/" inside a name is escaped as "\\/".
"""

import json
from pathlib import Path
from typing import Any

TYPES = json.loads((Path(__file__).parent / "data" / "types.json").read_text())
# Where PostHog's app shows an object of each type (`href` of an entry).
HREFS: dict[str, str] = TYPES["hrefs"]
# The folder `unfiled` files an object of each type under, below "Unfiled/".
UNFILED_FOLDERS: dict[str, str] = TYPES["unfiled_folders"]
# posthog/api/file_system/registrations.py `undo_message` of each registered type.
UNDO_HINTS: dict[str, str] = TYPES["undo_hints"]
# posthog/api/file_system/deletion.py HOG_FUNCTION_TYPES (legacy ones and HogFunctionType values).
HOG_FUNCTION_TYPES = ("broadcast", "campaign", "destination", "site_app", "source", "transformation")
# Registered types whose model has a `deleted` field: deleting them is soft and can be undone.
RESTORABLE = (
    "action",
    "dashboard",
    "feature_flag",
    "experiment",
    "insight",
    "notebook",
    "session_recording_playlist",
    "cohort",
)
# Registered types without one: deleting them is for good.
HARD_DELETED = ("link", "survey", "early_access_feature")


def split_path(path: str) -> list[str]:
    """Segments of a path, unescaped; empty segments are dropped."""
    segments, current, index = [], "", 0
    while index < len(path):
        char = path[index]
        if char == "\\" and index + 1 < len(path) and path[index + 1] in "/\\":
            current += path[index + 1]
            index += 2
            continue
        if char == "/":
            segments.append(current)
            current = ""
        else:
            current += char
        index += 1
    segments.append(current)
    return [s for s in segments if s != ""]


def escape_segment(name: str) -> str:
    return name.replace("\\", "\\\\").replace("/", "\\/")


def join_path(segments: list[str]) -> str:
    return "/".join(escape_segment(s) for s in segments)


def href_for(kind: str, ref: Any) -> str | None:
    pattern = HREFS.get(kind)
    return pattern.format(ref=ref) if pattern and ref is not None else None


def is_restorable(kind: str) -> bool:
    return kind in RESTORABLE or kind.startswith("hog_function/")


def undo_hint(kind: str) -> str:
    return UNDO_HINTS.get(kind) or UNDO_HINTS["hog_function/"]
