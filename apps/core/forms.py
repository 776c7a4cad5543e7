"""Form fields every area can use, and the one comparison that decides what an edit form sends."""

import json
import re
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any

from django import forms

# What an edit form says when what was posted is what PostHog already holds: nothing was sent, nothing is saved.
NO_CHANGES = "No changes to save."
# Limits on JSON people type. Python's json parser recurses once per level and raises RecursionError near a
# thousand; PostHog's own objects (filters, properties, inputs) are a few levels deep, so 32 leaves room.
MAX_JSON_DEPTH = 32
MAX_JSON_CHARS = 1_000_000
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")


def normalised(value: Any) -> Any:
    """A value as compared for "did the person change it": the empties PostHog and browsers use for "nothing"
    (None, "", {}, [] and a missing key) are one; text without the surrounding blanks a form strips and with the
    browser's CRLF read as LF; objects by their non-empty keys; lists in their order."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip() or None
    if isinstance(value, Mapping):
        items = {str(key): normalised(item) for key, item in value.items()}
        return {key: item for key, item in items.items() if item is not None} or None
    if isinstance(value, list | tuple):
        return [normalised(item) for item in value] or None
    return value


def value_changed(before: Any, after: Any, *, unordered: bool = False) -> bool:
    """`unordered`: a list that stands for a set (scopes), whose order in the form is not the person's choice."""
    before, after = normalised(before), normalised(after)
    if unordered and isinstance(before, list) and isinstance(after, list):
        return _as_set(before) != _as_set(after)
    return bool(before != after)


def _as_set(items: list[Any]) -> list[str]:
    return sorted(json.dumps(item, sort_keys=True, default=str) for item in items)


def changed_payload(
    *, initial: Mapping[str, Any], current: Mapping[str, Any], unordered: Collection[str] = ()
) -> dict[str, Any]:
    """The entries of `current` (what the form would send) whose value differs from `initial` (what the form was
    opened with, from PostHog's object): an edit sends only these, so a field nobody touched is never rewritten."""
    return {
        key: value
        for key, value in current.items()
        if value_changed(initial.get(key), value, unordered=key in unordered)
    }


def json_depth(text: str) -> int:
    """How deeply the arrays and objects of JSON text nest, counted without parsing it (so without recursion):
    strings are skipped, then the brackets left are counted."""
    depth = deepest = 0
    for bracket in _BRACKET.findall(_JSON_STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(depth - 1, 0)  # a stray closer is the parser's to report
    return deepest


def json_read(text: str, *, max_chars: int = MAX_JSON_CHARS) -> Any:
    """JSON a person typed, parsed within the limits; anything else is a ValidationError for its field."""
    if len(text) > max_chars:
        raise forms.ValidationError(
            f"This is {len(text):,} characters long: at most {max_chars:,} are accepted.", code="too_long"
        )
    if json_depth(text) > MAX_JSON_DEPTH:
        raise forms.ValidationError(
            f"This JSON nests deeper than {MAX_JSON_DEPTH} levels: flatten it.", code="too_deep"
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise forms.ValidationError(
            f"Not valid JSON: {error.msg} (line {error.lineno}, column {error.colno}).", code="invalid_json"
        ) from None


class JSONTextField(forms.CharField):
    """JSON typed into a textarea: checked (within MAX_JSON_CHARS and MAX_JSON_DEPTH) before anything is sent,
    and kept as the text typed, so a form's own checks can `json_read` it again safely."""

    widget = forms.Textarea(attrs={"rows": 4, "class": "code", "spellcheck": "false"})

    def prepare_value(self, value: Any) -> Any:
        return value if value is None or isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value:
            json_read(value)


class UtcDateTimeField(forms.DateTimeField):
    """A `datetime-local` input (or any ISO 8601 text) read as UTC, whatever the server's time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"})

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if not isinstance(value, datetime):
            try:
                value = datetime.fromisoformat(str(value).strip())
            except ValueError:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)

    def prepare_value(self, value: Any) -> Any:
        # Bound data is text, e.g. a quick range's "From" as "2026-01-01T12:00:00+00:00" or a link's "…Z": a
        # `datetime-local` input shows only "YYYY-MM-DDTHH:MM[:SS]" and leaves anything else blank.
        if isinstance(value, str) and value.strip():
            try:
                value = self.to_python(value)
            except forms.ValidationError:
                return value  # shown as typed, next to its error
        if not isinstance(value, datetime):
            return value
        value = value.astimezone(UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%S" if value.second else "%Y-%m-%dT%H:%M")
