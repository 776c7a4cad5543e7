"""Plugin config request bodies, read and worded as products/cdp/backend/api/plugin.py PluginConfigSerializer
(a DRF ModelSerializer) reads them.

`config` is a read-only SerializerMethodField: a JSON body's `config` is dropped without a word. PostHog reads it
only from a form body's `config` field holding JSON text (`_fix_formdata_config_json`, `request.POST`), beside
`add_attachment[key]` files and `remove_attachment[key]` fields (`_update_plugin_attachments`). The checks of
config values against the plugin's schema (required once enabled, choices, JSON) are the simulator's own.
"""

import hashlib
import json
import re
from typing import Any

from simulator.areas.plugins.state import schema_fields
from simulator.core.http import ApiError, Request, validation_error

INT_MIN, INT_MAX = -2147483648, 2147483647
TRUE_VALUES = {True, "true", "True", "TRUE", "1", "yes", "on"}
FALSE_VALUES = {False, "false", "False", "FALSE", "0", "no", "off"}
ATTACHMENT_FIELD = re.compile(r"^add_attachment\[(?P<key>[^\]]+)\]$")
REMOVE_ATTACHMENT_FIELD = re.compile(r"^remove_attachment\[(?P<key>[^\]]+)\]$")


def server_error() -> ApiError:
    """An exception PostHog's code does not catch: drf-exceptions-hog answers a 500."""
    return ApiError(500, "A server error occurred.", type="server_error", code="error")


def bool_value(data: dict, name: str) -> bool | None:
    if name not in data:
        return None
    value = data[name]
    if isinstance(value, bool | int | str) and value in TRUE_VALUES:
        return True
    if isinstance(value, bool | int | str) and value in FALSE_VALUES:
        return False
    raise validation_error(name, "Must be a valid boolean.", "invalid")


def int_value(value: Any, attr: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str | float):
        raise validation_error(attr, "A valid integer is required.", "invalid")
    try:
        number = int(value) if not isinstance(value, float) or value.is_integer() else None
    except ValueError:
        number = None
    if number is None:
        raise validation_error(attr, "A valid integer is required.", "invalid")
    if number < INT_MIN:
        raise validation_error(attr, f"Ensure this value is greater than or equal to {INT_MIN}.", "min_value")
    if number > INT_MAX:
        raise validation_error(attr, f"Ensure this value is less than or equal to {INT_MAX}.", "max_value")
    return number


def text(data: dict, name: str, max_length: int | None) -> None:
    value = data.get(name)
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise validation_error(name, "Not a valid string.", "invalid")
    if max_length and len(str(value)) > max_length:
        raise validation_error(name, f"Ensure this field has no more than {max_length} characters.", "max_length")
    data[name] = str(value)


def condition_holds(values: dict, conditions: list) -> bool:
    """PostHog's doFieldRequirementsMatch: [key] means "key is set", [key, value] means equality; all must hold."""
    for pair in conditions:
        actual = values.get(pair[0]) or ""
        if len(pair) == 1:
            if not actual:
                return False
        elif actual != pair[1]:
            return False
    return True


def validate_config(plugin: dict, values: dict, attachments: dict, *, enabled: bool) -> None:
    """Types of known fields always; required fields (and required_if) once the config is enabled."""
    for entry in schema_fields(plugin):
        key, kind = entry["key"], entry.get("type") or "string"
        value, attr = values.get(key), f"config__{entry['key']}"
        if value is None or value == "":
            continue
        if kind == "choice" and value not in (entry.get("choices") or []):
            raise validation_error(attr, f'"{value}" is not a valid choice.', "invalid_choice")
        if kind == "json":
            if isinstance(value, str):
                try:
                    json.loads(value)
                except ValueError:
                    raise validation_error(attr, "Value must be valid JSON.", "invalid") from None
            elif not isinstance(value, dict | list):
                raise validation_error(attr, "Value must be valid JSON.", "invalid")
        if kind == "dictionary" and not isinstance(value, dict):
            raise validation_error(
                attr, f'Expected a dictionary of items but got type "{type(value).__name__}".', "not_a_dict"
            )
        if kind == "string" and (isinstance(value, bool) or not isinstance(value, str | int | float)):
            raise validation_error(attr, "Not a valid string.", "invalid")
    if not enabled:
        return
    for entry in schema_fields(plugin):
        if entry.get("visible_if") and not condition_holds(values, entry["visible_if"]):
            continue
        needed = entry.get("required") or (entry.get("required_if") and condition_holds(values, entry["required_if"]))
        if not needed:
            continue
        present = (
            entry["key"] in attachments
            if entry.get("type") == "attachment"
            else values.get(entry["key"]) not in (None, "", {}, [])
        )
        if not present:
            raise validation_error(f"config__{entry['key']}", "This field is required.", "required")


def form_config(request: Request, data: dict) -> dict | None:
    """`_fix_formdata_config_json`: the `config` of a form body, a JSON text; None for a JSON body (whose `config`
    PostHog ignores) or a form without one. Text that is not JSON fails json.loads on PostHog: a 500."""
    if not request.form or not data.get("config"):
        return None
    try:
        values = json.loads(data["config"])
    except ValueError:
        raise server_error() from None
    if not isinstance(values, dict):
        raise validation_error(
            "config", f'Expected a dictionary of items but got type "{type(values).__name__}".', "not_a_dict"
        )
    return values


def attachments_after(request: Request, data: dict, attachments: dict) -> dict:
    """`add_attachment[key]` files replace an attachment, then `remove_attachment[key]` form fields drop one."""
    result = dict(attachments)
    for name, (filename, content, content_type) in request.files.items():
        if match := ATTACHMENT_FIELD.match(name):
            result[match["key"]] = {
                "uid": int(hashlib.sha1(content).hexdigest()[:8], 16),
                "saved": True,
                "size": len(content),
                "name": filename,
                "type": content_type,
            }
    if request.form:
        for name in data:
            if match := REMOVE_ATTACHMENT_FIELD.match(name):
                result.pop(match["key"], None)
    return result
