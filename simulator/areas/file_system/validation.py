"""File system request bodies and parameters, worded as posthog/api/file_system/file_system.py words them
(its serializers: `UndoDeleteRequestSerializer`, `FileSystemViewLogSerializer`,
`FileSystemViewLogListQuerySerializer`; and the bare `{"detail": ...}` answers of its actions)."""

from simulator.core.fields import MISSING, datetime_field, text_field
from simulator.core.http import ApiError, Request, validation_error


def bare_400(detail: str) -> ApiError:
    """`Response({"detail": ...}, status=400)`: no type, code or attr."""
    return ApiError(400, detail, raw={"detail": detail})


def new_path(request: Request) -> str:
    """`move` and `link`: `request.data.get("new_path")`."""
    value = request.data().get("new_path")
    if not isinstance(value, str) or not value.strip("/"):
        raise bare_400("new_path is required")
    return value.strip("/")


def count_path(request: Request) -> str:
    """`count_by_path` reads `path` from the query string; the reference page lists it as a body field, so the
    body is read too."""
    path = request.param("path")
    if not path:
        body = request.data()
        path = body.get("path") if isinstance(body.get("path"), str) else None
    if not path:
        raise bare_400("path parameter is required")
    return path


def undo_items(data: dict) -> list[tuple[str, str, str | None]]:
    """UndoDeleteRequestSerializer: `items`, a list of {type, ref, path?}."""
    if "items" not in data:
        raise validation_error("items")
    items = data["items"]
    if not isinstance(items, list):
        raise validation_error(
            "items", f'Expected a list of items but got type "{type(items).__name__}".', "not_a_list"
        )
    if not items:
        raise validation_error("items", "This list may not be empty.", "empty")
    checked = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise validation_error(
                f"items__{index}__non_field_errors",
                f"Invalid data. Expected a dictionary, but got {type(item).__name__}.",
                "invalid",
            )
        kind = text_field(item, "type", required=True, attr=f"items__{index}__type")
        ref = text_field(item, "ref", required=True, attr=f"items__{index}__ref")
        path = text_field(item, "path", allow_blank=True, attr=f"items__{index}__path")
        checked.append((kind, ref, None if path in (MISSING, "") else path))
    return checked


def view_record(data: dict) -> tuple[str, str, str | None]:
    """FileSystemViewLogSerializer: `type`, `ref`, optional `viewed_at`."""
    kind = text_field(data, "type", required=True)
    ref = text_field(data, "ref", required=True)
    viewed_at = datetime_field(data, "viewed_at", allow_null=False)
    return kind, ref, None if viewed_at is MISSING else viewed_at


def view_limit(request: Request) -> int | None:
    """FileSystemViewLogListQuerySerializer.limit: IntegerField(required=False, min_value=1)."""
    limit = request.param("limit")
    if limit in (None, ""):
        return None
    try:
        value = int(limit)
    except ValueError:
        raise validation_error("limit", "A valid integer is required.", "invalid") from None
    if value < 1:
        raise validation_error("limit", "Ensure this value is greater than or equal to 1.", "min_value")
    return value
