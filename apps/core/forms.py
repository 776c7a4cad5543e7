"""Form fields every area can use."""

import json
from datetime import UTC, datetime
from typing import Any

from django import forms


class JSONTextField(forms.CharField):
    """JSON typed into a textarea: checked before anything is sent, and kept as the text typed."""

    widget = forms.Textarea(attrs={"rows": 4, "class": "code", "spellcheck": "false"})

    def prepare_value(self, value: Any) -> Any:
        return value if value is None or isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value:
            try:
                json.loads(value)
            except json.JSONDecodeError as error:
                raise forms.ValidationError(
                    f"Not valid JSON: {error.msg} (line {error.lineno}, column {error.colno}).", code="invalid_json"
                ) from None


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
        if not isinstance(value, datetime):
            return value
        value = value.astimezone(UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%S" if value.second else "%Y-%m-%dT%H:%M")
