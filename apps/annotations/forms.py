"""The annotation form, and the list's filters."""

import re
from datetime import UTC, date, datetime, time
from typing import Any, cast

from django import forms

from apps.annotations.selectors import SCOPE_LABELS, Annotation
from apps.core.forms import UtcDateTimeField, value_changed

SCOPE_CHOICES = [
    ("project", "This project"),
    ("organization", "Every project of the organization"),
    ("dashboard", "One dashboard"),
    ("dashboard_item", "One insight"),
]
SCOPE_FILTERS = [("", "All scopes"), *SCOPE_LABELS.items()]
# Where a scope needs one: (form field, PostHog field).
TARGETS = {"dashboard": ("dashboard", "dashboard_id"), "dashboard_item": ("insight", "dashboard_item")}
TARGET_MISSING = {
    "dashboard": "Which dashboard? Give its number or its link.",
    "insight": "Which insight? Give its short ID or its link.",
}
# PostHog's names of the fields the form calls otherwise, for its validation errors.
UPSTREAM_FIELDS = {"dashboard_item": "insight", "dashboard_id": "dashboard"}
INSIGHT_LINK = re.compile(r"/insights/(?P<short_id>[A-Za-z0-9]+)")
SHORT_ID = re.compile(r"[A-Za-z0-9]{1,40}")
DASHBOARD_LINK = re.compile(r"/dashboard/(?P<id>\d+)")


class AnnotationForm(forms.Form):
    content = forms.CharField(
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What happened, as charts will show it. At most 400 characters.",
    )
    date_marker = UtcDateTimeField(label="Date and time (UTC)")
    scope = forms.ChoiceField(choices=SCOPE_CHOICES, label="Shown on", widget=forms.RadioSelect, initial="project")
    insight = forms.CharField(
        required=False,
        max_length=400,
        help_text="The insight's short ID or its link, e.g. https://us.posthog.com/project/1/insights/AbC12xyZ",
    )
    dashboard = forms.CharField(
        required=False,
        max_length=400,
        help_text="The dashboard's number or its link, e.g. https://us.posthog.com/project/1/dashboard/12",
    )

    def __init__(self, data: Any = None, *, annotation: Annotation | None = None) -> None:
        self.annotation = annotation
        self.changed: set[str] = set()  # the fields whose value differs from the annotation's (clean() finds them)
        initial = None
        if annotation is not None:
            initial = {
                "content": annotation.content,
                "date_marker": annotation.at.replace(microsecond=0) if annotation.at else None,
                "scope": annotation.scope,
                "insight": annotation.insight_short_id,
                "dashboard": str(annotation.dashboard_id or ""),
            }
        super().__init__(data, initial=initial)
        if annotation is not None and annotation.scope not in dict(SCOPE_CHOICES):
            # A scope PostHog no longer offers (recordings): kept as it is unless someone picks another.
            scope = cast(forms.ChoiceField, self.fields["scope"])  # declared a ChoiceField above
            scope.choices = [*SCOPE_CHOICES, (annotation.scope, annotation.scope_label)]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        # Compared before the targets below are parsed: what the person typed against what the form showed.
        self.changed = {name for name in self.fields if value_changed(self.initial.get(name), cleaned.get(name))}
        needed = TARGETS.get(str(cleaned.get("scope")), ("", ""))[0]
        for field, parse in (("insight", _insight_short_id), ("dashboard", _dashboard_id)):
            text = (cleaned.get(field) or "").strip()
            untouched = self.annotation is not None and not {field, "scope"} & self.changed
            if field != needed or untouched:
                cleaned[field] = None  # not sent (payload_fields), so whatever is typed there cannot be wrong
            elif not text:
                self.add_error(field, TARGET_MISSING[field])
            else:
                try:
                    cleaned[field] = parse(text)
                except forms.ValidationError as error:
                    self.add_error(field, error)
        return cleaned

    def insight_needed(self) -> str:
        """The short ID to look up when the insight is to be sent, else ""."""
        return self.cleaned_data["insight"] if "dashboard_item" in self.payload_fields() else ""

    def payload_fields(self) -> set[str]:
        """PostHog fields to send: all on create; on an edit only what changed, so nothing else is touched."""
        scope = self.cleaned_data["scope"]
        target = TARGETS.get(scope)
        fields = {"content", "date_marker", "scope"} | ({target[1]} if target else set())
        if self.annotation is None:
            return fields
        changed = set(self.changed)
        if target and (target[0] in changed or "scope" in changed):
            changed.add(target[1])
        return fields & changed

    def insight_not_found(self, short_id: str) -> None:
        """The insight lookup found nothing: said on the insight field, with what was typed."""
        self.add_error("insight", f"No insight of this project has the short ID “{short_id}”.")

    def payload(self, *, insight_id: int | None = None) -> dict[str, Any]:
        data = self.cleaned_data
        values = {
            "content": data["content"],
            "date_marker": data["date_marker"].isoformat().replace("+00:00", "Z"),
            "scope": data["scope"],
            "dashboard_id": data["dashboard"],
            "dashboard_item": insight_id,
        }
        return {name: values[name] for name in sorted(self.payload_fields())}


def _insight_short_id(text: str) -> str:
    link = INSIGHT_LINK.search(text)
    short_id = link["short_id"] if link else text
    if not SHORT_ID.fullmatch(short_id):
        raise forms.ValidationError("Give the insight's short ID (letters and digits) or its link.")
    return short_id


def _dashboard_id(text: str) -> int:
    link = DASHBOARD_LINK.search(text)
    number = link["id"] if link else text
    if not number.isdigit() or int(number) < 1:
        raise forms.ValidationError("Give the dashboard's number or its link.")
    return int(number)


class AnnotationFilterForm(forms.Form):
    search = forms.CharField(
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Words in the annotation", "autocomplete": "off"}
        ),
    )
    scope = forms.ChoiceField(required=False, choices=SCOPE_FILTERS)
    date_from = forms.DateField(required=False, label="From (UTC)", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To (UTC)", widget=forms.DateInput(attrs={"type": "date"}))
    deleted = forms.BooleanField(required=False, label="Show deleted")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", "“To” must be on or after “From”.")
        return cleaned

    def filters(self) -> dict[str, Any]:
        """What PostHog filters by (annotation_page's arguments); the dates as whole UTC days, both included."""
        data = self.cleaned_data
        return {
            "search": data["search"],
            "scope": data["scope"],
            "date_from": _at(data["date_from"], time.min),
            "date_to": _at(data["date_to"], time.max),
        }

    def matches(self, annotation: Annotation) -> bool:
        """The filters as PostHog applies them, for the deleted annotations the portal lists itself."""
        filters = self.filters()
        since, until = filters["date_from"], filters["date_to"]
        return (
            all(word in annotation.content.casefold() for word in filters["search"].casefold().split())
            and (not filters["scope"] or annotation.scope == filters["scope"])
            and (not since or (annotation.at is not None and annotation.at >= since))
            and (not until or (annotation.at is not None and annotation.at <= until))
        )


def _at(day: date | None, clock: time) -> datetime | None:
    return datetime.combine(day, clock, tzinfo=UTC) if day else None
