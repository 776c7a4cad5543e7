"""The audit page's filters, and the object a history timeline is about."""

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.http import QueryDict

from apps.audit.models import AuditEvent
from apps.core.forms import UtcDateTimeField
from apps.history.forms import LOG_RANGES
from apps.trail.selectors.rows import PORTAL, POSTHOG, FilterChoices, TrailFilters, TrailPosition

DAMAGED_CURSOR = "This page link is damaged: start again from the newest entries."


class TrailCursorField(forms.CharField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def clean(self, value: Any) -> TrailPosition | None:
        text = super().clean(value)
        position = TrailPosition.parse(text) if text else None
        if text and position is None:
            raise forms.ValidationError(DAMAGED_CURSOR)
        return position


class AuditFilterForm(forms.Form):
    person = forms.ChoiceField(required=False, label="Person")
    area = forms.ChoiceField(required=False, label="Area")
    object = forms.CharField(required=False, max_length=200, label="Object ID")
    # What was done, whichever source recorded it: a portal write's verb, a PostHog activity of that verb.
    verb = forms.ChoiceField(required=False, label="What was done")
    outcome = forms.ChoiceField(
        required=False, label="Outcome", choices=[("", "Any outcome"), *AuditEvent.Outcome.choices]
    )
    source = forms.ChoiceField(
        required=False,
        label="Source",
        choices=[("", "Portal and PostHog"), (PORTAL, "Portal writes only"), (POSTHOG, "PostHog activity only")],
    )
    search = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, path, error, body…"}),
    )
    after = UtcDateTimeField(required=False, label="From (UTC)")
    before = UtcDateTimeField(required=False, label="To (UTC)")
    cursor = TrailCursorField()

    def __init__(self, data: QueryDict, *, choices: FilterChoices) -> None:
        data = data.copy()
        if span := LOG_RANGES.get(data.get("range", "")):
            # A quick range fills in "From" as of now, so the form shows exactly what is applied.
            data["after"] = (datetime.now(UTC) - span).replace(microsecond=0).isoformat()
            data.pop("before", None)
        super().__init__(data)
        self._offer(
            "person",
            [
                ("", "Anyone"),
                ("Portal users", [(f"{PORTAL}:{name}", name) for name in choices.portal_people]),
                ("PostHog users", [(f"{POSTHOG}:{value}", label) for value, label in choices.posthog_people]),
            ],
        )
        self._offer("area", [("", "All areas"), *choices.areas])
        self._offer("verb", [("", "Anything"), *choices.verbs])

    def _offer(self, name: str, choices: list[tuple[str, Any]]) -> None:
        """Fill a choice field declared above with what the trail holds (known only per request)."""
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        after, before = cleaned.get("after"), cleaned.get("before")
        if after and before and after > before:
            self.add_error("before", "“To” must be on or after “From”.")
        return cleaned

    def filters(self) -> TrailFilters:
        data = self.cleaned_data
        return TrailFilters(
            person=data["person"],
            area=data["area"],
            object_id=data["object"].strip(),
            verb=data["verb"],
            outcome=data["outcome"],
            source=data["source"],
            after=data["after"],
            before=data["before"],
            search=data["search"].strip(),
        )

    @property
    def filtered(self) -> bool:
        return any(value for name, value in self.cleaned_data.items() if name != "cursor")

    def query(self, **extra: TrailPosition | str) -> str:
        """The applied filters as a query string (quick ranges resolved), with `extra` parameters added."""
        data = QueryDict(mutable=True)
        for name, value in self.cleaned_data.items():
            if value and name != "cursor":
                data[name] = value.isoformat() if isinstance(value, datetime) else value
        data.update({key: str(value) for key, value in extra.items()})
        return data.urlencode()


class ObjectHistoryForm(forms.Form):
    area = forms.CharField(max_length=50)
    object = forms.CharField(max_length=200)
    cursor = TrailCursorField()
