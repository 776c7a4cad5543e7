"""Role requests checked as ee/api/rbac/role.py checks them, and PostHog's answer to what it cannot handle."""

import operator
import uuid
from typing import Any

from simulator.core.fields import MISSING, parse_datetime, text_field
from simulator.core.http import ApiError, validation_error

# ee/models/rbac/role.py Role: CharField(max_length=200).
MAX_NAME_LENGTH = 200
DUPLICATE_NAME = "There is already a role with this name."


def server_error() -> ApiError:
    """An exception DRF does not know (a FieldError, an IntegrityError): drf-exceptions-hog answers it as 500
    `{"type": "server_error", "code": "error", "detail": "A server error occurred.", "attr": null}`
    (exceptions_hog/handler.py; PostHog runs it with DEBUG off)."""
    return ApiError(500, "A server error occurred.", type="server_error", code="error")


def name(data: dict, roles: list[dict], *, required: bool, exclude_id: str | None) -> Any:
    """RoleSerializer.validate_name: unique in the organization whatever the case. `exclude_id` is the role being
    changed (the newest code excludes it; the 2024-2025 code passes None and so refuses a role its own name)."""
    value = text_field(data, "name", required=required, max_length=MAX_NAME_LENGTH)
    if value is MISSING:
        return value
    value = value.strip()  # DRF's CharField trims whitespace
    for other in roles:
        if other["id"] != exclude_id and other["name"].lower() == value.lower():
            raise validation_error("name", DUPLICATE_NAME, "unique")
    return value


# Role's model fields, as Django's queryset.filter() resolves them, and the lookups a query parameter may add.
_TEXT_LOOKUPS = {
    "exact": lambda have, want: have == want,
    "iexact": lambda have, want: have.lower() == want.lower(),
    "contains": lambda have, want: want in have,
    "icontains": lambda have, want: want.lower() in have.lower(),
    "startswith": lambda have, want: have.startswith(want),
    "istartswith": lambda have, want: have.lower().startswith(want.lower()),
    "endswith": lambda have, want: have.endswith(want),
    "iendswith": lambda have, want: have.lower().endswith(want.lower()),
}


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise server_error() from None  # Django's ValidationError "“…” is not a valid UUID.": not DRF's, so a 500


def _user_id(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise server_error() from None  # "Field 'id' expected a number but got '…'.": a 500


def _moment(value: str):
    parsed = parse_datetime(value)
    if parsed is None:
        raise server_error()  # Django's ValidationError for a malformed datetime: a 500
    return parsed


def query_filter(query: dict[str, list[str]], organization_id: str):
    """ee/api/rbac/role.py (2024-2025) RoleViewSet.safely_get_queryset: `queryset.filter(**request.GET.dict())`.
    Every query parameter is a filter (its last value, as QueryDict.dict() keeps it); one that names no field of
    Role (`limit`, `offset`, `format`, ...) is Django's FieldError, which PostHog answers with a 500."""
    checks = []  # (what the role holds, how to compare, what the parameter asks for)
    for parameter, values in query.items():
        value = values[-1]
        field, _, lookup = parameter.partition("__")
        lookup = lookup or "exact"
        if field == "name" and lookup in _TEXT_LOOKUPS:
            checks.append((lambda role: role["name"], _TEXT_LOOKUPS[lookup], value))
        elif lookup != "exact":
            raise server_error()
        elif field == "id":
            checks.append((lambda role: role["id"], operator.eq, _uuid(value)))
        elif field in ("organization", "organization_id"):
            checks.append((lambda role: organization_id, operator.eq, _uuid(value)))
        elif field in ("created_by", "created_by_id"):
            checks.append((lambda role: (role.get("created_by") or {}).get("id"), operator.eq, _user_id(value)))
        elif field == "created_at":
            checks.append((lambda role: parse_datetime(role["created_at"]), operator.eq, _moment(value)))
        else:
            raise server_error()
    return lambda role: all(compare(held(role), wanted) for held, compare, wanted in checks)
