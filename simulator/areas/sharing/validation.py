"""Bodies and query parameters of the sharing and recordings APIs, worded as PostHog's serializers word them."""

import json
from typing import Any

from simulator.core.http import ApiError, validation_error

SETTINGS_KEYS = ("detailed", "hideExtraDetails", "legend", "noHeader", "showInspector", "whitelabel")
MAX_NOTE_LENGTH = 100
MIN_PASSWORD_LENGTH = 8
# rest_framework/fields.py BooleanField (True and False also stand for 1 and 0 in a set)
TRUE_VALUES = {True, "1", "t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}
FALSE_VALUES = {False, "0", "f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}
# pydantic's lax bool, for SharingConfigurationSettings.model_validate(strict=False)
PYDANTIC_TRUE = {"1", "on", "t", "true", "y", "yes"}
PYDANTIC_FALSE = {"0", "off", "f", "false", "n", "no"}
RECORDING_ORDERS = (  # frontend/src/queries/schema RecordingOrder
    "duration",
    "recording_duration",
    "inactive_seconds",
    "active_seconds",
    "start_time",
    "console_error_count",
    "click_count",
    "keypress_count",
    "mouse_activity_count",
    "activity_score",
    "recording_ttl",
)


def boolean(attr: str, value: Any) -> bool:
    """A DRF BooleanField of a model column that is not nullable."""
    if value is None:
        raise validation_error(attr, "This field may not be null.", "null")
    if isinstance(value, bool | int | str) and value in TRUE_VALUES:
        return True
    if isinstance(value, bool | int | str) and value in FALSE_VALUES:
        return False
    raise validation_error(attr, "Must be a valid boolean.", "invalid")


def _settings_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in PYDANTIC_TRUE | PYDANTIC_FALSE:
        return value.strip().lower() in PYDANTIC_TRUE
    raise ValueError(value)


def settings(value: Any) -> dict | None:
    """SharingConfigurationSerializer.validate_settings: unknown keys dropped, the rest validated by the
    SharingConfigurationSettings schema and dumped without nulls; any failure is "Invalid settings format"."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise validation_error("settings", "Invalid settings format", "invalid")
    cleaned = {}
    for key in SETTINGS_KEYS:
        if key in value and value[key] is not None:
            try:
                cleaned[key] = _settings_boolean(value[key])
            except ValueError:
                raise validation_error("settings", "Invalid settings format", "invalid") from None
    return dict(sorted(cleaned.items()))


def _char_field(attr: str, value: Any) -> str:
    """DRF CharField(required=False, allow_blank=True): numbers become text, whitespace is trimmed."""
    if value is None:
        raise validation_error(attr, "This field may not be null.", "null")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise validation_error(attr, "Not a valid string.", "invalid")
    return str(value).strip()


def password_body(data: dict) -> tuple[str, str]:
    """posthog/api/sharing.py SharePasswordCreateSerializer: (raw_password, note); an empty raw password means
    PostHog generates one."""
    raw = _char_field("raw_password", data["raw_password"]) if "raw_password" in data else ""
    if raw and len(raw) < MIN_PASSWORD_LENGTH:
        raise validation_error("raw_password", "Password must be at least 8 characters long.", "invalid")
    note = _char_field("note", data["note"]) if "note" in data else ""
    if len(note) > MAX_NOTE_LENGTH:
        raise validation_error(
            "note", f"Ensure this field has no more than {MAX_NOTE_LENGTH} characters.", "max_length"
        )
    return raw, note


def _pydantic_error(kind: str, field: str, message: str, given: Any) -> ApiError:
    """filter_from_params_to_query: a RecordingsQuery that does not validate is a 400 whose detail is the JSON
    dump of pydantic's errors."""
    error = {
        "type": kind,
        "loc": [field],
        "msg": message,
        "input": given,
        "url": f"https://errors.pydantic.dev/2.11/v/{kind}",
    }
    return ApiError(400, json.dumps([error]), type="validation_error")


def _json_or_text(raw: str) -> Any:
    """query_as_params_to_dict: every parameter is JSON-decoded when it can be."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _integer(field: str, raw: str | None) -> int | None:
    if raw is None:
        return None
    value = _json_or_text(raw)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _pydantic_error("int_type", field, "Input should be a valid integer", value)
    if isinstance(value, float) and not value.is_integer():
        raise _pydantic_error(
            "int_from_float", field, "Input should be a valid integer, got a number with a fractional part", value
        )
    if isinstance(value, str):
        raise _pydantic_error(
            "int_parsing", field, "Input should be a valid integer, unable to parse string as an integer", value
        )
    return int(value)


def recordings_query(param) -> dict:
    """The RecordingsQuery fields the simulator honours: limit, offset, date_from ("-3d" unless given),
    date_to, session_ids, distinct_ids, order and order_direction."""
    query: dict[str, Any] = {"limit": _integer("limit", param("limit")), "offset": _integer("offset", param("offset"))}
    for field in ("session_ids", "distinct_ids"):
        raw = param(field)
        value = None if raw is None else _json_or_text(raw)
        if value is not None and not isinstance(value, list):
            raise _pydantic_error("list_type", field, "Input should be a valid list", value)
        query[field] = None if value is None else [str(item) for item in value]
    order = param("order")
    if order is not None and order not in RECORDING_ORDERS:
        expected = ", ".join(f"'{name}'" for name in RECORDING_ORDERS[:-1]) + f" or '{RECORDING_ORDERS[-1]}'"
        raise _pydantic_error("enum", "order", f"Input should be {expected}", order)
    direction = param("order_direction")
    if direction is not None and direction not in ("ASC", "DESC"):
        raise _pydantic_error("enum", "order_direction", "Input should be 'ASC' or 'DESC'", direction)
    date_from = param("date_from")
    query.update(
        order=order or "start_time",
        order_direction=direction or "DESC",
        date_from="-3d" if date_from is None else _json_or_text(date_from),
        date_to=None if param("date_to") is None else _json_or_text(param("date_to")),
    )
    return query
