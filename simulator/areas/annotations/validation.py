"""Annotation bodies and list parameters, checked and worded as posthog/api/annotation.py checks them."""

from datetime import datetime

from simulator.areas.annotations.state import CREATION_TYPES, SCOPES
from simulator.core.fields import (
    MISSING,
    bool_field,
    choice_field,
    datetime_field,
    int_field,
    parse_datetime,
    text_field,
)
from simulator.core.http import ApiError, Request


def _invalid(detail: str) -> ApiError:
    """A bare `serializers.ValidationError(...)`: no field named."""
    return ApiError(400, detail, type="validation_error", code="invalid")


def validated(data: dict) -> dict:
    """AnnotationSerializer: the fields a request may set, those it sent only."""
    values = {
        # posthog/models/annotation.py: content = CharField(max_length=400, null=True, blank=True)
        "content": text_field(data, "content", max_length=400, allow_blank=True, allow_null=True),
        "date_marker": datetime_field(data, "date_marker"),
        "creation_type": choice_field(data, "creation_type", CREATION_TYPES),
        "dashboard_item": int_field(data, "dashboard_item"),
        "dashboard_id": int_field(data, "dashboard_id"),
        "deleted": bool_field(data, "deleted"),
        "scope": choice_field(data, "scope", SCOPES),
    }
    if values["scope"] == "recording":
        # AnnotationSerializer.validate
        raise _invalid("Recording scope is deprecated")
    return {k: v for k, v in values.items() if v is not MISSING}


def list_scope(request: Request) -> str | None:
    """`?scope=`: posthog/api/annotation.py `safely_get_queryset` reads "insight" as "dashboard_item"."""
    scope = request.param("scope")
    if not scope:
        return None
    scope = "dashboard_item" if scope == "insight" else scope
    if scope not in SCOPES:
        raise _invalid(f"Invalid scope: {scope}")
    return scope


def list_dates(request: Request) -> dict[str, datetime]:
    """`?date_from=` / `?date_to=` (ISO 8601), each bound inclusive."""
    bounds = {}
    for name in ("date_from", "date_to"):
        if request.param(name):
            bounds[name] = parse_datetime(request.param(name))
            if bounds[name] is None:
                raise _invalid(f"Invalid date range: {name} must be a valid ISO 8601 date")
    if bounds.get("date_from") and bounds.get("date_to") and bounds["date_from"] > bounds["date_to"]:
        raise _invalid("Invalid date range: date_from must be before date_to")
    return bounds


def search_terms(request: Request) -> list[str]:
    """DRF's SearchFilter on `content`: commas and whitespace separate terms; every term must match."""
    return (request.param("search") or "").replace(",", " ").lower().split()
