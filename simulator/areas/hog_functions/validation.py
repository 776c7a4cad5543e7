"""Hog function bodies read and worded as products/cdp/backend/api/hog_function.py HogFunctionSerializer reads them,
with posthog/cdp/validation.py (InputsSchemaItemSerializer, InputsSerializer, InputsItemSerializer,
HogFunctionFiltersSerializer) for inputs and filters.

Errors are drf-exceptions-hog's: the first one, its field path in `attr` (`inputs__url`, `filters__events`).
Left out, as the simulator compiles no Hog: bytecode (answers carry none), and the compile errors PostHog finds in
Hog code beyond unbalanced brackets; templates are checked for what people trip on (Liquid's `{{ }}`, and globals a
transformation does not have).
"""

import re
from typing import Any

from simulator.areas.hog_functions.state import KIND, TYPES, secret_keys_of
from simulator.areas.hog_functions.templates import template as template_named
from simulator.core.fields import MISSING, bool_field, int_field, text_field
from simulator.core.http import ApiError, Request, validation_error

# products/cdp/backend/models/hog_functions/hog_function.py HogFunctionType (warehouse_source_webhook is refused).
ALL_TYPES = (*TYPES, "warehouse_source_webhook", "transformation_log")
INPUT_TYPES = (
    "string",
    "number",
    "boolean",
    "dictionary",
    "choice",
    "json",
    "integration",
    "integration_multi",
    "integration_field",
    "email",
    "native_email",
)
SOURCES = ("events", "person-updates", "data-warehouse-table", "data-warehouse-view")
MAX_HOG_CODE_SIZE_BYTES = 100 * 1024
# hog_function.py MAX_ENABLED_FUNCTIONS_PER_TEAM_BY_TYPE.
ENABLED_CAPS = {"transformation": 20, "transformation_log": 5}
MASKED_SECRET_VALUE = "********"  # posthog/cdp/validation.py: the UI's stand-in for a stored secret
# validation.py TRANSFORMATION_AVAILABLE_GLOBALS and TRANSFORMATION_RUNTIME_FUNCTIONS.
TRANSFORMATION_GLOBALS = {"project", "event", "inputs", "geoipLookup", "cleanNullValues"}
PLACEHOLDER = re.compile(r"(?<!\{)\{\s*([A-Za-z_$][\w$]*)")
LIQUID_HINT = (
    "Invalid template: this field uses single-curly templating like {person.properties.email}. Liquid-style "
    "{{ ... }} syntax is not supported here. (Placeholders are not allowed in this context)"
)


def invalid(attr: str, detail: str) -> ApiError:
    return validation_error(attr, detail, "invalid")


def refused(detail: str) -> ApiError:
    """`raise exceptions.ValidationError("…")`: a complaint about no field (drf-exceptions-hog answers attr null)."""
    return ApiError(400, detail, type="validation_error", code="invalid")


def validated(request: Request, data: dict, *, team: int, instance: dict | None) -> dict:
    """The fields a create (no `instance`) or an update stores; raises PostHog's 400 for the first problem. PUT
    and PATCH read alike: to_internal_value fills in the function's own type, inputs and filters, and no other
    field is required."""
    creating = instance is None
    kind = _type(data, instance)
    template = _template(data, instance)
    values: dict[str, Any] = {}
    for name, max_length in (("name", 400), ("description", None), ("icon_url", None)):
        value = text_field(data, name, max_length=max_length, allow_blank=True, allow_null=True)
        if value is not MISSING:
            values[name] = value if name != "description" else value or ""
    for name in ("enabled", "deleted"):
        value = bool_field(data, name)
        if value is not MISSING:
            values[name] = value
    order = int_field(data, "execution_order")
    if order is not MISSING:
        if order is not None and not 0 <= order <= 32767:
            raise invalid("execution_order", "Ensure this value is less than or equal to 32767.")
        values["execution_order"] = order
    values["type"] = kind  # to_internal_value fills it in from the function (or "destination"): never missing
    schema = _inputs_schema(data.get("inputs_schema", MISSING), instance, template, creating)
    if "inputs_schema" in data or creating:
        values["inputs_schema"] = schema
    will_be_enabled = not values.get("deleted", False) and values.get("enabled", (instance or {}).get("enabled", False))
    if "inputs" in data or creating or "inputs_schema" in data:
        values["inputs"] = validated_inputs(data.get("inputs", MISSING), schema, instance, kind)
    if "filters" in data or creating:
        values["filters"] = validated_filters(data.get("filters"), kind)
    if "mappings" in data:
        values["mappings"] = _mappings(data["mappings"], kind, values)
    if "masking" in data:
        values["masking"] = _masking(data["masking"])
    if "hog" in data or creating:
        values["hog"] = _hog(data.get("hog"), template, creating)
    _enabled_cap(request, team, kind, instance, values, will_be_enabled)
    if creating and template:
        values["template_id"] = template["id"]
        for name, fallback in (("name", "name"), ("description", "description"), ("icon_url", "icon_url")):
            values[name] = values.get(name) or template.get(fallback)
    return values


def _type(data: dict, instance: dict | None) -> str:
    kind = data.get("type", (instance or {}).get("type") or "destination")
    if kind not in ALL_TYPES:
        raise validation_error("type", f'"{kind}" is not a valid choice.', "invalid_choice")
    if kind == "warehouse_source_webhook":
        raise invalid("type", "Cannot create or modify warehouse source webhook functions via this API.")
    if instance is not None and instance.get("type") != kind:
        raise invalid("type", "Cannot modify the type of an existing function")
    return kind


def _template(data: dict, instance: dict | None) -> dict | None:
    """to_internal_value: an existing function keeps its template; a new one names it (or none)."""
    template_id = (instance or {}).get("template_id") if instance is not None else data.get("template_id")
    if not template_id:
        return (instance or {}).get("_template")
    found = (instance or {}).get("_template") if instance is not None else template_named(str(template_id))
    if found is None:
        raise invalid("template_id", f"No template found for id '{template_id}'")
    return found


def _inputs_schema(sent: Any, instance: dict | None, template: dict | None, creating: bool) -> list[dict]:
    if sent is MISSING:
        if creating:
            return list((template or {}).get("inputs_schema") or [])
        return list(instance.get("inputs_schema") or [])
    if not isinstance(sent, list):
        raise invalid("inputs_schema", f'Expected a list of items but got type "{type(sent).__name__}".')
    schema = []
    for position, item in enumerate(sent):
        if not isinstance(item, dict):
            raise invalid(f"inputs_schema__{position}__non_field_errors", "Invalid data. Expected a dictionary.")
        if item.get("type") not in INPUT_TYPES:
            raise validation_error(
                f"inputs_schema__{position}__type", f'"{item.get("type")}" is not a valid choice.', "invalid_choice"
            )
        if not isinstance(item.get("key"), str) or not item["key"]:
            raise validation_error(f"inputs_schema__{position}__key")
        schema.append({"required": False, "secret": False, "hidden": False, **item})
    return schema


def validated_inputs(sent: Any, schema: list[dict], instance: dict | None, kind: str) -> dict[str, dict]:
    """InputsSerializer.run_child_validation: each input of the schema checked (inputs the schema does not name are
    dropped); a secret left out, or sent back as {"secret": true}, keeps its stored value."""
    if sent is MISSING:
        sent = {
            key: value
            for key, value in ((instance or {}).get("inputs") or {}).items()
            if key not in secret_keys_of(instance or {})
        }
    if not isinstance(sent, dict):
        raise invalid("inputs", f'Expected a dictionary of items but got type "{type(sent).__name__}".')
    stored = (instance or {}).get("inputs") or {}
    result: dict[str, dict] = {}
    for item in schema:
        key = str(item["key"])
        value = sent.get(key) or {}
        if item.get("secret"):
            masked = (
                isinstance(value, dict)
                and bool(value.get("secret"))
                and ("value" not in value or value.get("value") == MASKED_SECRET_VALUE)
            )
            if masked or value == {}:
                existing = (stored.get(key) or {}).get("value")
                if existing not in (None, ""):
                    value = {"value": existing}
                elif masked:
                    raise invalid(f"inputs__{key}", "No value is saved for this secret input. Enter the value again.")
        if value == {} and item.get("required") and item.get("default") is not None:
            value = {"value": item["default"]}
        if not isinstance(value, dict):
            raise invalid(f"inputs__{key}", f"Invalid data. Expected a dictionary, but got {type(value).__name__}.")
        checked = _input_value(key, item, value, kind)
        if checked is not None:
            result[key] = checked
    return result


def _input_value(key: str, item: dict, value: dict, kind: str) -> dict | None:
    """InputsItemSerializer.validate: required, the value's type, then its template."""
    attr = f"inputs__{key}"
    raw = value.get("value")
    if item.get("required") and (raw is None or raw == ""):
        raise invalid(attr, "This field is required.")
    if "value" not in value:
        return None
    if not raw:
        return {"value": raw}
    item_type = item.get("type")
    expected = {
        "string": (str, "Value must be a string."),
        "number": ((int, float), "Value must be a number."),
        "dictionary": (dict, "Value must be a dictionary."),
        "integration": (int, "Value must be an Integration ID."),
    }.get(item_type)
    if expected and (not isinstance(raw, expected[0]) or isinstance(raw, bool)):
        raise invalid(attr, expected[1])
    if item_type == "boolean" and not isinstance(raw, bool | str):
        raise invalid(attr, "Value must be a boolean or a template string.")
    if item.get("templating", True) and value.get("templating") != "liquid":
        _template_strings(attr, raw, kind)
    kept = {"value": raw}
    if value.get("templating") in ("hog", "liquid"):
        kept["templating"] = value["templating"]
    return kept


def _template_strings(attr: str, value: Any, kind: str) -> None:
    """generate_template_bytecode over every string the value holds."""
    if isinstance(value, dict):
        for item in value.values():
            _template_strings(attr, item, kind)
    elif isinstance(value, list):
        for item in value:
            _template_strings(attr, item, kind)
    elif isinstance(value, str):
        if "{{" in value:
            raise invalid(attr, LIQUID_HINT)
        if kind == "transformation":
            unknown = sorted({root for root in PLACEHOLDER.findall(value) if root not in TRANSFORMATION_GLOBALS})
            if unknown:
                raise invalid(
                    attr,
                    f"Invalid template: Variable not available in transformations: {', '.join(unknown)}. "
                    "Transformations only have access to project, event, and inputs.",
                )


def validated_filters(sent: Any, kind: str) -> dict:
    """HogFunctionFiltersSerializer (a null filters object is {}, as to_internal_value makes it)."""
    filters = sent or {}
    if not isinstance(filters, dict):
        raise invalid(
            "filters__non_field_errors", f"Invalid data. Expected a dictionary, but got {type(sent).__name__}."
        )
    filters = dict(filters)
    source = filters.get("source", "events")
    if source not in SOURCES:
        raise validation_error("filters__source", f'"{source}" is not a valid choice.', "invalid_choice")
    filters["source"] = source
    for name in ("actions", "events", "data_warehouse", "properties"):
        if name not in filters:
            continue
        entries = filters[name]
        if not isinstance(entries, list):
            raise invalid(f"filters__{name}", f'Expected a list of items but got type "{type(entries).__name__}".')
        for position, entry in enumerate(entries):
            if not isinstance(entry, dict):
                raise invalid(
                    f"filters__{name}__{position}",
                    f'Expected a dictionary of items but got type "{type(entry).__name__}".',
                )
    if "filter_test_accounts" in filters and not isinstance(filters["filter_test_accounts"], bool):
        raise invalid("filters__filter_test_accounts", "Must be a valid boolean.")
    if kind == "transformation_log":
        disallowed = [
            k for k in ("events", "actions", "properties", "data_warehouse", "filter_test_accounts") if filters.get(k)
        ]
        if disallowed:
            raise invalid(
                "filters__non_field_errors",
                f"Filters are not supported for log transformations (got: {', '.join(disallowed)}). "
                "Use conditions in the Hog code instead.",
            )
    if source == "events":
        filters.pop("data_warehouse", None)
    elif source == "person-updates":
        for name in ("events", "actions", "data_warehouse"):
            filters.pop(name, None)
    else:
        filters.pop("events", None)
        filters.pop("actions", None)
    return filters


def _mappings(sent: Any, kind: str, values: dict) -> list | None:
    if sent is None:
        return None
    if not isinstance(sent, list):
        raise invalid("mappings", f'Expected a list of items but got type "{type(sent).__name__}".')
    if kind not in ("site_destination", "destination"):
        raise invalid("mappings", "Mappings are only allowed for destinations.")
    if "filters" in values:  # mappings take over the event filters
        values["filters"].pop("events", None)
        values["filters"].pop("actions", None)
    return sent


def _masking(sent: Any) -> dict | None:
    """HogFunctionMaskingSerializer: ttl 60–86400 and a hash expression, or null."""
    if sent is None:
        return None
    if not isinstance(sent, dict):
        raise invalid("masking__non_field_errors", "Invalid data. Expected a dictionary.")
    ttl = sent.get("ttl")
    if not isinstance(ttl, int) or isinstance(ttl, bool):
        raise validation_error(
            "masking__ttl", "A valid integer is required." if ttl is not None else "This field is required."
        )
    if not 60 <= ttl <= 86400:
        raise invalid(
            "masking__ttl",
            "Ensure this value is greater than or equal to 60."
            if ttl < 60
            else "Ensure this value is less than or equal to 86400.",
        )
    if not isinstance(sent.get("hash"), str) or not sent["hash"]:
        raise validation_error("masking__hash")
    return {"ttl": ttl, "threshold": sent.get("threshold"), "hash": sent["hash"], "bytecode": None}


def _hog(sent: Any, template: dict | None, creating: bool) -> str:
    hog = sent if sent not in (None, "") or not creating else (template or {}).get("code") or ""
    if hog is None:
        raise validation_error("hog", "This field may not be null.", "null")
    if not isinstance(hog, str):
        raise invalid("hog", "Not a valid string.")
    if len(hog.encode("utf-8")) > MAX_HOG_CODE_SIZE_BYTES:
        raise invalid(
            "hog",
            f"HOG code exceeds maximum size of {MAX_HOG_CODE_SIZE_BYTES // 1024}KB. Please simplify your code or "
            "contact support if you need this limit increased.",
        )
    if creating and not hog:
        raise invalid("hog", "Required.")
    if not _balanced(hog):
        raise invalid("hog", "Hog code has errors.")  # compile_hog's answer to code it cannot parse
    return hog


def _balanced(code: str) -> bool:
    """Brackets close in order outside strings and comments: the one compile error the simulator recognises."""
    pairs, stack, quote, index = {")": "(", "]": "[", "}": "{"}, [], "", 0
    while index < len(code):
        char = code[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"`":
            quote = char
        elif code.startswith("//", index):
            index = code.find("\n", index)
            if index == -1:
                break
        elif char in "([{":
            stack.append(char)
        elif char in pairs:
            if not stack or stack.pop() != pairs[char]:
                return False
        index += 1
    return not stack and not quote


def _enabled_cap(request: Request, team: int, kind: str, instance: dict | None, values: dict, enabled: bool) -> None:
    """HogFunctionSerializer.validate: at most 20 enabled transformations per team, counted when a function would
    join the running set (enabled, or restored while enabled)."""
    cap = ENABLED_CAPS.get(kind)
    if cap is None:
        return
    was_active = instance is not None and instance.get("enabled") and not instance.get("deleted")
    will_be_deleted = values.get("deleted", (instance or {}).get("deleted", False))
    if not enabled or will_be_deleted or was_active:
        return
    running = [
        f for f in request.store.all(KIND, parent=team) if f["type"] == kind and f["enabled"] and not f.get("deleted")
    ]
    if len(running) >= cap:
        raise invalid(
            "type",
            f"Maximum of {cap} enabled {kind} functions allowed per team. Please contact support if you need this "
            "limit increased, or disable some existing ones.",
        )
