"""Query parameters and bodies of the groups API, checked and worded as PostHog's code words them."""

from typing import Any

from simulator.core.http import ApiError, Request, validation_error

MAX_GROUP_KEY_LENGTH = 400
INT_MIN, INT_MAX = -2147483648, 2147483647
GROUP_TYPES_LIMIT = 5  # posthog/constants.py
REQUIRED_PARAMETER = "This query parameter is required."
LIST_HINT = (
    "You must pass ?group_type_index= in this URL. To get a list of valid group types, "
    "call /api/:project_id/groups_types/."
)
TRUE_STRINGS = {"y", "yes", "t", "true", "on", "1"}  # posthog/utils.py str_to_bool


def server_error() -> ApiError:
    """An unhandled exception in PostHog's view (a KeyError, say): Django's JSON 500."""
    return ApiError(500, "A server error occurred.", type="server_error", code="error")


def int_param(request: Request, name: str, *, missing: str = REQUIRED_PARAMETER) -> int:
    """ee/clickhouse/views/groups.py: `ValidationError({name: [missing]})` when absent or empty."""
    number = request.number_param(name, invalid=validation_error(name, "A valid integer is required.", "invalid"))
    if number is None:
        raise validation_error(name, missing, "invalid")
    return number


def str_param(request: Request, name: str) -> str:
    raw = request.param(name)
    if raw in (None, ""):
        raise validation_error(name, REQUIRED_PARAMETER, "invalid")
    return raw


def str_to_bool(value: Any) -> bool:
    """posthog/utils.py str_to_bool: only the usual spellings of yes are true; anything else (absent too) false."""
    return str(value).strip().lower() in TRUE_STRINGS if value is not None else False


def create_body(data: dict) -> tuple[int, str, dict]:
    """CreateGroupSerializer (a ModelSerializer): group_type_index an integer within the column's range,
    group_key a string of at most 400 characters, group_properties a JSON object (default {})."""
    group_type_index = data.get("group_type_index")
    if group_type_index is None:
        raise validation_error("group_type_index")
    if isinstance(group_type_index, bool) or not isinstance(group_type_index, int | str):
        raise validation_error("group_type_index", "A valid integer is required.", "invalid")
    try:
        group_type_index = int(group_type_index)
    except ValueError:
        raise validation_error("group_type_index", "A valid integer is required.", "invalid") from None
    if group_type_index < INT_MIN:
        raise validation_error(
            "group_type_index", f"Ensure this value is greater than or equal to {INT_MIN}.", "min_value"
        )
    if group_type_index > INT_MAX:
        raise validation_error(
            "group_type_index", f"Ensure this value is less than or equal to {INT_MAX}.", "max_value"
        )
    group_key = data.get("group_key")
    if group_key is None:
        raise validation_error("group_key")
    if not isinstance(group_key, str | int | float) or isinstance(group_key, bool):
        raise validation_error("group_key", "Not a valid string.", "invalid")
    group_key = str(group_key)
    if not group_key.strip():
        raise validation_error("group_key", "This field may not be blank.", "blank")
    if len(group_key) > MAX_GROUP_KEY_LENGTH:
        raise validation_error(
            "group_key", f"Ensure this field has no more than {MAX_GROUP_KEY_LENGTH} characters.", "max_length"
        )
    properties = data.get("group_properties", {})
    if properties is None:
        properties = {}
    if not isinstance(properties, dict):
        # JSONField accepts any JSON; PostHog then fails on `.items()`. Answered as DRF words a non-object.
        raise validation_error(
            "group_properties",
            f'Expected a dictionary of items but got type "{type(properties).__name__}".',
            "not_a_dict",
        )
    return group_type_index, group_key, properties


def update_property_body(data: dict) -> tuple[Any, Any]:
    """GroupsViewSet.update_property: `key` must be truthy and `value` not null."""
    key, value = data.get("key"), data.get("value")
    if not key:
        raise validation_error("key", "This field is required.", "invalid")
    if value is None:
        raise validation_error("value", "This field is required.", "invalid")
    return key, value


def unset_key(data: dict, properties: dict) -> str:
    """GroupsViewSet.delete_property: `$unset` names one existing property."""
    key = data.get("$unset")
    if not isinstance(key, str):
        raise validation_error(
            "$unset", "This field is required and must be a string (the property name to delete).", "invalid"
        )
    if key not in properties:
        raise validation_error("$unset", f"Property '{key}' does not exist on this group.", "invalid")
    return key


# posthog/taxonomy/property_definition_api.py PropertyDefinitionQuerySerializer ------------------

DEFINITION_TYPES = ("event", "person", "group", "session")
BOOLEAN_TRUE = {"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1"}
BOOLEAN_FALSE = {"f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0"}
BOOLEAN_NULL = {"null", "Null", "NULL", ""}


def _boolean_param(request: Request, name: str) -> bool | None:
    """A DRF BooleanField(allow_null=True, default=None) read from the query string."""
    raw = request.param(name)
    if raw is None or raw in BOOLEAN_NULL:
        return None
    if raw in BOOLEAN_TRUE:
        return True
    if raw in BOOLEAN_FALSE:
        return False
    raise validation_error(name, "Must be a valid boolean.", "invalid")


def definitions_query(request: Request) -> dict:
    """The query's fields in the serializer's order (the first invalid field is the one reported), then its
    `validate`, whose errors name no field."""
    kind = request.param("type", "event")
    if kind not in DEFINITION_TYPES:
        raise validation_error("type", f'"{kind}" is not a valid choice.', "invalid_choice")
    raw_index = request.param("group_type_index")
    index = None
    if raw_index is not None:
        try:
            index = int(raw_index.strip())
        except ValueError:
            raise validation_error("group_type_index", "A valid integer is required.", "invalid") from None
    is_numerical = _boolean_param(request, "is_numerical")
    event_names = request.param("event_names")
    if kind == "group" and index is None:
        raise ApiError(400, "`group_type_index` must be set for `group` type", type="validation_error")
    if kind != "group" and index is not None:
        raise ApiError(400, "`group_type_index` can only set for `group` type", type="validation_error")
    if index and not 0 <= index < GROUP_TYPES_LIMIT:  # `if attrs.get("group_type_index") and ...`: 0 passes
        raise ApiError(400, "Invalid value for `group_type_index`", type="validation_error")
    if kind != "event" and event_names:
        raise ApiError(400, "`event_names` can only be set for `event` type", type="validation_error")
    return {
        "type": kind,
        "group_type_index": index,
        "search": request.param("search") or "",
        "properties": [name for name in (request.param("properties") or "").split(",") if name],
        "is_numerical": is_numerical,
        "excluded_properties": request.param("excluded_properties"),
    }
