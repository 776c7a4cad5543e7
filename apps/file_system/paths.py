"""PostHog's file-system paths: "/"-separated segments, a "/" inside a name written as "\\/"; and, written once for
the reads and the writes, where PostHog's API serves the file system itself."""

from apps.posthog.client import api_path


def file_system_api_path(project_id: str | int, *rest: str | int) -> str:
    """`/api/projects/<project>/file_system/…`: the project's file system in PostHog's API (not a path inside it)."""
    return api_path("projects", project_id, "file_system", *rest)


def split_path(path: str) -> list[str]:
    """The unescaped segments of a path; empty segments are dropped."""
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
    return [segment for segment in segments if segment != ""]


def escape_segment(name: str) -> str:
    return name.replace("\\", "\\\\").replace("/", "\\/")


def join_path(segments: list[str]) -> str:
    return "/".join(escape_segment(segment) for segment in segments)


def name_of(path: str) -> str:
    segments = split_path(path)
    return segments[-1] if segments else ""


def parent_of(path: str) -> str:
    return join_path(split_path(path)[:-1])


def crumbs(path: str) -> list[tuple[str, str]]:
    """(name, path) of every folder from the top down to `path` itself."""
    segments = split_path(path)
    return [(segment, join_path(segments[: depth + 1])) for depth, segment in enumerate(segments)]


def is_within(path: str, folder: str) -> bool:
    """True when `path` is `folder` or lies below it."""
    return path == folder or path.startswith(folder + "/")
