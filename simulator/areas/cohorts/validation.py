"""Cohort bodies, checked and worded as posthog/api/cohort.py (`CohortSerializer`) and its pydantic filter models
(`CohortFilters`, `CohortFilterGroup`, `PersonFilter`, `BehavioralFilter`, `CohortFilter`) check them."""

import json
from typing import Any

from simulator.core.fields import bool_field, choice_field, text_field
from simulator.core.http import ApiError, Request, validation_error

# posthog/models/cohort/cohort.py CohortType (blank and null allowed)
COHORT_TYPES = ("static", "person_property", "behavioral", "realtime", "analytical", "")
# Model JSONFields: from a multipart or urlencoded body DRF parses them as JSON text (JSONField.get_value).
JSON_FIELDS = ("filters", "query", "groups")


def error(detail: str, attr: str | None = "filters") -> ApiError:
    return ApiError(400, detail, type="validation_error", code="invalid", attr=attr)


# Filters -------------------------------------------------------------------------------------


def leaves(group: Any) -> list[dict]:
    found = []
    for value in (group or {}).get("values", []) if isinstance(group, dict) else []:
        if isinstance(value, dict) and value.get("type") in ("AND", "OR"):
            found += leaves(value)
        elif isinstance(value, dict):
            found.append(value)
    return found


def has_values(filters: Any) -> bool:
    """posthog/models/cohort/util.py `cohort_filters_have_values`."""
    return bool(isinstance(filters, dict) and leaves(filters.get("properties")))


def cohort_ids_in(filters: Any) -> list[int]:
    return [leaf["value"] for leaf in leaves((filters or {}).get("properties")) if leaf.get("type") == "cohort"]


def _check_group(group: Any, existing_ids: set[int] | None) -> None:
    if not isinstance(group, dict):
        raise error("Input should be a valid dictionary or object to extract fields from")
    if group.get("type") not in ("AND", "OR"):
        raise error(
            f"Input tag '{group.get('type')}' found using 'type' does not match any of the expected tags: 'AND', 'OR'"
        )
    values = group.get("values")
    if not isinstance(values, list):
        raise error("Input should be a valid list")
    for value in values:
        kind = value.get("type") if isinstance(value, dict) else None
        if kind in ("AND", "OR"):
            _check_group(value, existing_ids)
        elif kind == "behavioral":
            for key in ("key", "value", "event_type"):
                if value.get(key) in (None, ""):
                    raise error(f"Missing required keys for behavioral filter: {key}")
        elif kind == "cohort":
            if not isinstance(value.get("value"), int) or isinstance(value.get("value"), bool):
                raise error("Missing required keys for cohort filter: value")
            if existing_ids is not None and value["value"] not in existing_ids:
                raise error("Invalid Cohort ID in filter", attr=None)
        elif kind == "person":
            missing = []
            if value.get("key") in (None, ""):
                missing.append("key")
            if value.get("value") is None and value.get("operator") not in ("is_set", "is_not_set"):
                missing.append("value")
            if value.get("operator") is None:
                missing.append("operator")
            if missing:
                raise error(f"Missing required keys for person filter: {', '.join(missing)}")
        else:
            raise error(
                f"Input tag '{kind}' found using 'type' does not match any of the expected tags: "
                "'behavioral', 'cohort', 'person', 'AND', 'OR'"
            )


def validated_filters(filters: Any, *, static: bool, existing_ids: set[int]) -> Any:
    """CohortSerializer.validate_filters: a static cohort's filters without values are kept as sent."""
    if filters is None:
        return None
    if static and not has_values(filters):
        return filters
    if not isinstance(filters, dict) or "properties" not in filters:
        raise error("Must contain a 'properties' key with type and values")
    extra = set(filters) - {"properties"}
    if extra:
        raise error(f"Extra inputs are not permitted: {min(extra)}")
    _check_group(filters["properties"], existing_ids)
    return filters


def validated_query(query: Any) -> dict | None:
    """CohortSerializer.validate_query."""
    if not query:
        return None
    if not isinstance(query, dict):
        raise validation_error("query", "Query must be a dictionary.", "invalid")
    if query.get("kind") not in ("ActorsQuery", "HogQLQuery"):
        raise validation_error(
            "query", f"Query must be an ActorsQuery or HogQLQuery. Got: {query.get('kind')}", "invalid"
        )
    return query


# Bodies --------------------------------------------------------------------------------------


def body(request: Request) -> dict:
    """The request's fields. A multipart body (PostHog's app sends one with a `csv` file) carries text fields:
    JSON ones are parsed as DRF parses them, and a single `_create_static_person_ids` value is a one-item list."""
    data = dict(request.data())
    if not request.form:
        return data
    for name in JSON_FIELDS:
        if isinstance(data.get(name), str):
            try:
                data[name] = json.loads(data[name])
            except ValueError:
                raise validation_error(name, "Value must be valid JSON.", "invalid") from None
    if isinstance(data.get("_create_static_person_ids"), str):
        data["_create_static_person_ids"] = [data["_create_static_person_ids"]]
    return data


def common(data: dict) -> dict:
    """The plain fields a create or an update may set (MISSING when absent)."""
    return {
        # posthog/models/cohort/cohort.py: name = CharField(max_length=400, null=True, blank=True)
        "name": text_field(data, "name", max_length=400, allow_blank=True, allow_null=True),
        # description = CharField(max_length=1000, blank=True)
        "description": text_field(data, "description", max_length=1000, allow_blank=True),
        "is_static": bool_field(data, "is_static"),
        "deleted": bool_field(data, "deleted"),
        "cohort_type": choice_field(data, "cohort_type", COHORT_TYPES, allow_null=True),
        "_create_in_folder": text_field(data, "_create_in_folder", allow_blank=True),
    }


def person_ids(data: dict) -> list[str]:
    """`_create_static_person_ids`: a ListField of CharField (write only)."""
    value = data.get("_create_static_person_ids", [])
    if value is None:
        raise validation_error("_create_static_person_ids", "This field may not be null.", "null")
    if not isinstance(value, list):
        raise validation_error(
            "_create_static_person_ids",
            f'Expected a list of items but got type "{type(value).__name__}".',
            "not_a_list",
        )
    checked = []
    for index, item in enumerate(value):
        holder = {"item": item}
        checked.append(text_field(holder, "item", required=True, attr=f"_create_static_person_ids__{index}"))
    return checked
