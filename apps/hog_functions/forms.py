"""The hog function forms: inputs and filters (generated from the function's inputs_schema), rename, a test run's
sample, and the logs' filters. Each holds its payload for PostHog; none calls a service.

Field names are PostHog's error paths (`inputs__url`, `filters__events`), so a refusal lands on the field it names.
"""

import json
from datetime import UTC, datetime, timedelta
from typing import Any, Self

from django import forms
from django.http import QueryDict

from apps.core.forms import JSONTextField, UtcDateTimeField, changed_payload, value_changed
from apps.hog_functions.selectors import LEVELS, HogFunction, InputSpec

# Input types the form can edit; others (integrations, emails) are set in PostHog's app and sent back unchanged.
EDITABLE_TYPES = ("string", "number", "boolean", "choice", "dictionary", "json")
# Filter parts PostHog derives from the rest: never sent back.
DERIVED_FILTERS = ("bytecode", "transpiled", "bytecode_error")
SECRET_KEPT = "Secret: PostHog never shows it. Leave empty to keep it."
SECRET_EMPTY = "Secret: none is saved yet."


class FunctionForm(forms.Form):
    """A function's inputs and event filters, as one PATCH."""

    def __init__(self, data: Any = None, *, function: HogFunction) -> None:
        super().__init__(data)
        self.function = function
        for spec in self.editable_specs:
            self.fields[field_name(spec)] = _input_field(spec, function)
        if self.has_filters:
            filters = function.filters
            events = [str(e.get("id") or e.get("name")) for e in filters.get("events") or [] if isinstance(e, dict)]
            self.fields["filters__events"] = forms.CharField(
                required=False,
                label="Events",
                initial=", ".join(events),
                help_text="Event names, comma-separated. Empty: every event (and the actions below, if any).",
            )
            self.fields["filters__properties"] = JSONTextField(
                required=False,
                label="Property filters (JSON)",
                initial=filters.get("properties") or [],
                help_text='A list of PostHog property filters, e.g. [{"key": "$browser", "value": ["Chrome"], '
                '"operator": "exact", "type": "event"}].',
            )
            self.fields["filters__filter_test_accounts"] = forms.BooleanField(
                required=False, label="Leave out test accounts", initial=bool(filters.get("filter_test_accounts"))
            )

    @property
    def editable_specs(self) -> list[InputSpec]:
        return [spec for spec in self.function.inputs_schema if not spec.hidden and spec.type in EDITABLE_TYPES]

    @property
    def fixed_specs(self) -> list[InputSpec]:
        """Inputs set in PostHog's app (integrations and the like): shown, sent back as they are."""
        return [spec for spec in self.function.inputs_schema if not spec.hidden and spec.type not in EDITABLE_TYPES]

    @property
    def has_filters(self) -> bool:
        return self.function.type != "site_app"

    def input_fields(self) -> list[forms.BoundField]:
        return [self[field_name(spec)] for spec in self.editable_specs]

    def filter_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("filters__")]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for spec in self.editable_specs:
            name = field_name(spec)
            if spec.type == "dictionary" and cleaned.get(name) and not isinstance(json.loads(cleaned[name]), dict):
                self.add_error(name, "Give a JSON object ({…}).")
        properties = cleaned.get("filters__properties")
        if properties and not isinstance(json.loads(properties), list):
            self.add_error("filters__properties", "Give a JSON list ([…]) of property filters.")
        return cleaned

    def payload(self) -> dict[str, Any]:
        """What the person changed, as one PATCH; empty when nothing. Inputs go all together when one changed
        (PostHog drops those left out): the untouched ones as PostHog holds them, secrets left empty as
        {"secret": true}. Filters go whole when one of their fields changed, their untouched parts as held."""
        data: dict[str, Any] = {}
        if any(self._input_changed(spec) for spec in self.editable_specs):
            inputs: dict[str, Any] = {}
            for spec in self.function.inputs_schema:
                entry = self._input(spec)
                if entry is not None:
                    inputs[spec.key] = entry
            data["inputs"] = inputs
        if self.has_filters and (filters := self._filters()) is not None:
            data["filters"] = filters
        return data

    def _input_changed(self, spec: InputSpec) -> bool:
        value = self.cleaned_data.get(field_name(spec))
        if spec.secret:
            return value not in (None, "")  # empty keeps the secret PostHog holds
        held = self.function.inputs.get(spec.key)
        # A flag PostHog does not hold shows unticked, so it reads as off.
        return value_changed(bool(held) if spec.type == "boolean" else held, self._typed(spec, value))

    @staticmethod
    def _typed(spec: InputSpec, value: Any) -> Any:
        """A field's value as PostHog holds an input: JSON text parsed, a whole number as an int."""
        if spec.type in ("dictionary", "json"):
            return json.loads(value) if value else None
        if spec.type == "number" and value is not None:
            return int(value) if float(value).is_integer() else value
        return value

    def _input(self, spec: InputSpec) -> dict[str, Any] | None:
        kept = spec.key in self.function.secrets_set
        name = field_name(spec)
        if name not in self.fields or not self._input_changed(spec):  # set in PostHog's app, hidden or untouched
            if kept:
                return {"secret": True}
            return {"value": self.function.inputs[spec.key]} if spec.key in self.function.inputs else None
        value = self._typed(spec, self.cleaned_data.get(name))
        if spec.type in ("dictionary", "json"):
            return {"value": value} if value is not None else None
        return {"value": value if value is not None else ""}

    def _filters(self) -> dict[str, Any] | None:
        """The filters to send, or None when none of their fields changed."""
        held = self.function.filters
        filters = {k: v for k, v in held.items() if k not in DERIVED_FILTERS}
        existing = {str(e.get("id") or e.get("name")): e for e in held.get("events") or [] if isinstance(e, dict)}
        names = [name.strip() for name in self.cleaned_data.get("filters__events", "").split(",") if name.strip()]
        properties_text = self.cleaned_data.get("filters__properties")
        properties = json.loads(properties_text) if properties_text else []
        test_accounts = bool(self.cleaned_data.get("filters__filter_test_accounts"))
        changed = False
        if value_changed(list(existing), list(dict.fromkeys(names))):
            filters["events"] = [
                {**existing.get(name, {}), "id": name, "name": name, "type": "events", "order": order}
                for order, name in enumerate(dict.fromkeys(names))
            ]
            changed = True
        if value_changed(held.get("properties"), properties):
            filters["properties"] = properties
            changed = True
        if bool(held.get("filter_test_accounts")) != test_accounts:
            filters["filter_test_accounts"] = test_accounts
            changed = True
        return filters if changed else None


def field_name(spec: InputSpec) -> str:
    return f"inputs__{spec.key}"


def _input_field(spec: InputSpec, function: HogFunction) -> forms.Field:
    current = function.inputs.get(spec.key)
    required = spec.required and not spec.secret  # a secret left empty is kept: PostHog says when none is saved
    common: dict[str, Any] = {"label": spec.label, "required": required, "help_text": spec.description}
    if spec.secret:
        common["help_text"] = " ".join(
            part
            for part in (spec.description, SECRET_KEPT if spec.key in function.secrets_set else SECRET_EMPTY)
            if part
        )
    if spec.type == "boolean":
        return forms.BooleanField(**{**common, "required": False}, initial=bool(current))
    if spec.type == "number":
        return forms.FloatField(**common, initial=current)
    if spec.type == "choice":
        choices = list(spec.choices) if spec.required else [("", "—"), *spec.choices]
        return forms.ChoiceField(**common, choices=choices, initial=current)
    if spec.type in ("dictionary", "json"):
        field = JSONTextField(**common, initial=None if spec.secret else current)
        if spec.secret:
            field.widget.attrs["placeholder"] = "Leave empty to keep the secret PostHog holds"
        return field
    if spec.secret:
        return forms.CharField(**common, widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}))
    text = "" if current is None else str(current)
    widget = forms.Textarea(attrs={"rows": 3}) if len(text) > 80 or "\n" in text else forms.TextInput()
    return forms.CharField(**common, initial=text, widget=widget, strip=False)


class RenameForm(forms.Form):
    name = forms.CharField(max_length=400, label="Name")

    def payload(self) -> dict[str, Any]:
        """{"name": …} when it differs from the name the form was opened with (its initial), else {}."""
        return changed_payload(initial=self.initial, current={"name": self.cleaned_data["name"]})


class TestRunForm(forms.Form):
    """A sample for a test run: PostHog's invocation globals, `event` (and `person`), as JSON."""

    sample = JSONTextField(
        label="Sample event (JSON)",
        widget=forms.Textarea(attrs={"rows": 16, "class": "code", "spellcheck": "false"}),
        help_text="PostHog runs the function as saved on this event. `event.event` is the event's name; "
        "`person` is optional.",
    )
    mock = forms.BooleanField(
        required=False,
        initial=True,
        label="Mock fetch (send nothing to the destination)",
        help_text="Off: the destination really receives the request.",
    )

    def clean_sample(self) -> str:
        text = self.cleaned_data["sample"]
        sample = json.loads(text)
        if not isinstance(sample, dict) or not isinstance(sample.get("event"), dict):
            raise forms.ValidationError('Give a JSON object with an "event" object in it: PostHog tests on an event.')
        if not isinstance(sample["event"].get("event"), str) or not sample["event"]["event"]:
            raise forms.ValidationError('The event needs a name: "event": {"event": "$pageview", …}.')
        return text

    def globals(self) -> dict[str, Any]:
        return json.loads(self.cleaned_data["sample"])


def sample_globals(function: HogFunction, *, now: datetime | None = None) -> str:
    """A sample PostHog's own test form would offer: an event the function's filters take, from a made-up person."""
    events = [e.get("id") or e.get("name") for e in function.filters.get("events") or [] if isinstance(e, dict)]
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    sample = {
        "event": {
            "uuid": "01932ee8-a2f4-7bd6-9b2e-b1d2c3e4f5a6",
            "event": str(events[0]) if events else "$pageview",
            "distinct_id": "sample-distinct-id",
            "timestamp": now.isoformat().replace("+00:00", "Z"),
            "properties": {
                "$current_url": "https://hedgehog.example/pricing?token=abc123",
                "$browser": "Chrome",
                "$ip": "203.0.113.7",
                "email": "max@hedgehog.example",
            },
            "elements_chain": "",
        },
        "person": {"id": "sample-person", "name": "Max the hedgehog", "properties": {"email": "max@hedgehog.example"}},
    }
    return json.dumps(sample, indent=2)


class LogFilters(forms.Form):
    """A function's logs: levels (DEBUG left out until asked for), text, run (instance) and time range."""

    levels = forms.MultipleChoiceField(
        choices=[(level, level) for level in LEVELS], widget=forms.CheckboxSelectMultiple, required=False
    )
    search = forms.CharField(required=False, max_length=200, label="Message contains")
    instance_id = forms.CharField(required=False, max_length=100, label="Run (instance ID)")
    after = UtcDateTimeField(required=False, label="From (UTC)")
    before = UtcDateTimeField(required=False, label="To (UTC)")

    SPANS = {"1h": timedelta(hours=1), "24h": timedelta(days=1), "7d": timedelta(days=7)}

    @classmethod
    def of(cls, query: QueryDict) -> Self:
        data = query.copy()
        if "filtered" not in data:
            data.setlist("levels", [level for level in LEVELS if level != "DEBUG"])
        if span := cls.SPANS.get(data.get("range", "")):
            data["after"] = (datetime.now(UTC) - span).replace(microsecond=0).isoformat()
            data.pop("before", None)
        return cls(data)

    def params(self) -> dict[str, Any]:
        """What PostHog is asked for (no level filter when every level is ticked)."""
        data = self.cleaned_data
        levels = list(data["levels"])
        return {
            "levels": None if set(levels) == set(LEVELS) else levels,
            "search": data["search"],
            "instance_id": data["instance_id"],
            "after": data["after"],
            "before": data["before"],
        }

    def encoded(self, *, leave_out: tuple[str, ...] = ()) -> str:
        kept = QueryDict(mutable=True)
        kept["filtered"] = "1"
        kept.setlist("levels", self.cleaned_data["levels"])
        for name in ("search", "instance_id", "after", "before"):
            value = self.cleaned_data[name]
            if value and name not in leave_out:
                kept[name] = value.isoformat() if isinstance(value, datetime) else value
        return kept.urlencode()
