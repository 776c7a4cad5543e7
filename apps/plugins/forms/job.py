"""Forms for a plugin's public jobs, built from the payload schema each job declares in `public_jobs`.

A schema is `{field key: {type, title, required, default}}`; PostHog's own job dialog knows the types string,
number, boolean, date, daterange and json. A job without a schema gets one JSON textarea for its whole payload.
"""

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from django import forms

from apps.core.forms import JSONTextField, UtcDateTimeField


class DateRangeWidget(forms.MultiWidget):
    def __init__(self) -> None:
        super().__init__(
            [
                forms.DateInput(attrs={"type": "date", "aria-label": "First day"}),
                forms.DateInput(attrs={"type": "date", "aria-label": "Last day"}),
            ]
        )

    def decompress(self, value: Any) -> list[Any]:
        return list(value) if isinstance(value, list | tuple) and len(value) == 2 else [None, None]


class DateRangeField(forms.MultiValueField):
    """Two dates, sent as PostHog's date range picker sends them: `["YYYY-MM-DD", "YYYY-MM-DD"]`."""

    widget = DateRangeWidget

    def __init__(self, **kwargs: Any) -> None:
        kwargs["help_text"] = " ".join(filter(None, ["The first day, then the last day.", kwargs.get("help_text")]))
        super().__init__(fields=[forms.DateField(), forms.DateField()], require_all_fields=True, **kwargs)

    def compress(self, data_list: list[date | None]) -> list[str] | None:
        if not data_list or data_list == [None, None]:
            return None
        start, end = data_list
        if start is None or end is None:
            raise forms.ValidationError("Give both the first and the last day.", code="incomplete")
        if start > end:
            raise forms.ValidationError("The first day is after the last day.", code="invalid")
        return [start.isoformat(), end.isoformat()]


def _number(value: float) -> float | int:
    """PostHog sends what its number input holds: 500, not 500.0."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _browser_time(value: datetime | None) -> str | None:
    """As the browser's Date.toISOString() writes it, which is what PostHog's date picker sends."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z") if value else None


def _as_is(value: Any) -> Any:
    return value


# type → (field factory, how the cleaned value goes into the payload)
FIELD_TYPES: dict[str, tuple[Callable[..., forms.Field], Callable[[Any], Any]]] = {
    "string": (forms.CharField, _as_is),
    "number": (partial(forms.FloatField, widget=forms.NumberInput(attrs={"step": "any"})), _number),
    "boolean": (forms.BooleanField, bool),
    "date": (UtcDateTimeField, _browser_time),
    "daterange": (DateRangeField, _as_is),
    # PostHog's job dialog sends the JSON editor's text, not the parsed value; the form checks that it parses.
    "json": (JSONTextField, _as_is),
}
FALLBACK_TYPE = "string"


class JSONObjectField(JSONTextField):
    """A job's free payload: PostHog passes it to the job as an object, and answers anything else with a server
    error (posthog/api/plugin.py `job` indexes it), so it is refused here, on its field, before anything is sent."""

    def validate(self, value: str | None) -> None:
        super().validate(value)
        if value and not isinstance(json.loads(value), dict):
            raise forms.ValidationError("The payload must be a JSON object: {…}.", code="not_an_object")


class JobForm(forms.Form):
    """The payload of one job. The job's name travels in the submit button (`job_type`), not in a field."""

    def __init__(self, *args: Any, job_name: str, spec: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.job_name = job_name
        self.schema = payload_schema(spec)
        if self.schema is None:
            self.fields["payload"] = JSONObjectField(
                label="Payload (JSON object)",
                required=False,
                help_text="This job declares no payload fields: PostHog passes this object to it as is.",
                initial="{}",
            )
            return
        for key, options in sorted(self.schema.items()):
            self.fields[key] = _payload_field(key, options)

    def payload(self) -> dict[str, Any]:
        """The payload to send, from `cleaned_data`; empty optional fields are left out, as PostHog leaves them."""
        if self.schema is None:
            value = self.cleaned_data.get("payload")
            return json.loads(value) if value else {}
        payload: dict[str, Any] = {}
        for key, options in self.schema.items():
            value = self.cleaned_data.get(key)
            if value in (None, "", []) and _kind(options) != "boolean":
                continue
            payload[key] = FIELD_TYPES[_kind(options)][1](value)
        return payload


def payload_schema(spec: Any) -> dict[str, dict[str, Any]] | None:
    """A job's payload fields, or None when it declares none (it then takes a free JSON payload)."""
    schema = spec.get("payload") if isinstance(spec, dict) else None
    if not isinstance(schema, dict) or not schema:
        return None
    return {str(key): options if isinstance(options, dict) else {} for key, options in schema.items()}


def job_forms(public_jobs: Any, *, data: Any = None, selected: str | None = None) -> list[JobForm]:
    """A form per public job, in name order; only the `selected` one is bound to `data`."""
    jobs = public_jobs if isinstance(public_jobs, dict) else {}
    return [
        JobForm(
            data if name == selected else None,
            job_name=name,
            spec=spec,
            prefix=f"job{position}",
        )
        for position, (name, spec) in enumerate(sorted(jobs.items()))
    ]


def _kind(options: dict[str, Any]) -> str:
    kind = options.get("type")
    return kind if isinstance(kind, str) and kind in FIELD_TYPES else FALLBACK_TYPE


def _payload_field(key: str, options: dict[str, Any]) -> forms.Field:
    title, kind = options.get("title"), _kind(options)
    return FIELD_TYPES[kind][0](
        label=str(title or key),
        # An unticked checkbox is a value too (false): "required" cannot mean "must be ticked".
        required=bool(options.get("required")) and kind != "boolean",
        initial=options.get("default"),
        help_text=f"Payload key “{key}”" if title and title != key else "",
    )
