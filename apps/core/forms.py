"""Form fields every area can use."""

import json

from django import forms


class JSONTextField(forms.CharField):
    """JSON typed into a textarea: checked before anything is sent, and kept as the text typed."""

    widget = forms.Textarea(attrs={"rows": 4, "class": "code", "spellcheck": "false"})

    def prepare_value(self, value):
        return value if value is None or isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)

    def validate(self, value):
        super().validate(value)
        if value:
            try:
                json.loads(value)
            except json.JSONDecodeError as error:
                raise forms.ValidationError(
                    f"Not valid JSON: {error.msg} (line {error.lineno}, column {error.colno}).", code="invalid_json"
                ) from None
