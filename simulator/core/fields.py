"""Request-body field checks worded as DRF words them, shared by the simulator's areas."""

from datetime import UTC, datetime
from typing import Any

from simulator.core.http import validation_error

MISSING = object()


def sent(data: dict, name: str, *, required: bool = False, allow_null: bool = False, attr: str | None = None) -> Any:
    """What the body sent for a field, checked as DRF checks every field first: MISSING when absent (a 400 when
    `required`), None when null (a 400 unless `allow_null`). `attr` names the field in the error, if not `name`.
    Fields that refuse a null as not of their type (booleans, choices, datetimes) take it with `allow_null=True`
    and refuse it themselves."""
    attr = attr or name
    if name not in data:
        if required:
            raise validation_error(attr)
        return MISSING
    value = data[name]
    if value is None and not allow_null:
        raise validation_error(attr, "This field may not be null.", "null")
    return value


def text_field(
    data: dict,
    name: str,
    *,
    required: bool = False,
    max_length: int | None = None,
    allow_blank: bool = False,
    allow_null: bool = False,
    attr: str | None = None,
) -> Any:
    """A CharField: MISSING when absent and not required; numbers become strings as DRF does."""
    attr = attr or name
    value = sent(data, name, required=required, allow_null=allow_null, attr=attr)
    if value is MISSING or value is None:
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise validation_error(attr, "Not a valid string.", "invalid")
    value = str(value)
    if not value.strip() and not allow_blank:
        raise validation_error(attr, "This field may not be blank.", "blank")
    if max_length is not None and len(value) > max_length:
        raise validation_error(attr, f"Ensure this field has no more than {max_length} characters.", "max_length")
    return value


def bool_field(data: dict, name: str, *, allow_null: bool = False) -> Any:
    value = sent(data, name, allow_null=True)
    if value is MISSING or (value is None and allow_null):
        return value
    if isinstance(value, (bool, int, float, str)):
        if value in (True, "true", "True", "TRUE", "1", "yes", "Yes", "on", "y", "t"):
            return True
        if value in (False, "false", "False", "FALSE", "0", "no", "No", "off", "n", "f"):
            return False
    raise validation_error(name, "Must be a valid boolean.", "invalid")


def int_field(data: dict, name: str, *, allow_null: bool = True) -> Any:
    value = sent(data, name, allow_null=allow_null)
    if value is MISSING or value is None:
        return value
    if isinstance(value, bool):
        raise validation_error(name, "A valid integer is required.", "invalid")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    if isinstance(value, int):
        return value
    raise validation_error(name, "A valid integer is required.", "invalid")


def choice_field(data: dict, name: str, choices: tuple[str, ...] | list[str], *, allow_null: bool = False) -> Any:
    value = sent(data, name, allow_null=True)
    if value is MISSING or (value is None and allow_null):
        return value
    if not isinstance(value, str) or value not in choices:
        raise validation_error(name, f'"{value}" is not a valid choice.', "invalid_choice")
    return value


DATETIME_FORMAT_ERROR = (
    "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
)


def parse_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def datetime_field(data: dict, name: str, *, allow_null: bool = True) -> Any:
    value = sent(data, name, allow_null=True)
    if value is MISSING or (value is None and allow_null):
        return value
    parsed = parse_datetime(value)
    if parsed is None:
        raise validation_error(name, DATETIME_FORMAT_ERROR, "invalid")
    return iso(parsed)
