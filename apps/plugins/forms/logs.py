"""The filters of a plugin config's logs, which the history explorer shares."""

from datetime import UTC, datetime, timedelta
from typing import Self

from django import forms
from django.http import QueryDict

from apps.core.forms import UtcDateTimeField

LOG_TYPES = ("DEBUG", "LOG", "INFO", "WARN", "ERROR")
DEFAULT_TYPES = ["LOG", "INFO", "WARN", "ERROR"]  # DEBUG is noise until someone asks for it
SOURCES = ("SYSTEM", "PLUGIN", "CONSOLE")
QUICK_RANGES = {"1h": timedelta(hours=1), "24h": timedelta(days=1), "7d": timedelta(days=7)}


class LogFilterForm(forms.Form):
    types = forms.MultipleChoiceField(
        choices=[(kind, kind) for kind in LOG_TYPES], widget=forms.CheckboxSelectMultiple, required=False
    )
    source = forms.ChoiceField(choices=[("", "Any source"), *((s, s) for s in SOURCES)], required=False)
    search = forms.CharField(required=False, max_length=200, label="Message contains")
    after = UtcDateTimeField(required=False, label="From (UTC)")
    before = UtcDateTimeField(required=False, label="To (UTC)")

    @classmethod
    def from_query(cls, query: QueryDict) -> Self:
        """The filters a logs URL asks for: the default types until some are chosen, a quick range as its "From"."""
        data = query.copy()
        if "filtered" not in data:
            data.setlist("types", DEFAULT_TYPES)
        if span := QUICK_RANGES.get(data.get("range", "")):
            # A quick range fills in "From" as of now, so the form shows exactly what is applied.
            data["after"] = (datetime.now(UTC) - span).replace(microsecond=0).isoformat()
            data.pop("before", None)
        return cls(data)

    def query(self, *, without: tuple[str, ...] = ()) -> str:
        """The cleaned filters as a query string, `filtered` marking that the types were chosen."""
        data = QueryDict(mutable=True)
        data["filtered"] = "1"
        data.setlist("types", self.cleaned_data["types"])
        for name in ("source", "search"):
            if self.cleaned_data[name]:
                data[name] = self.cleaned_data[name]
        for name in ("after", "before"):
            if self.cleaned_data[name] and name not in without:
                data[name] = self.cleaned_data[name].isoformat()
        return data.urlencode()
