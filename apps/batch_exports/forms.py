"""The backfill form: a range of the export's past, as dates (daily and weekly exports) or UTC times (the others),
checked before anything is sent, and the number of runs it makes."""

import math
from datetime import UTC, date, datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from apps.batch_exports.selectors import BatchExport
from apps.core.forms import UtcDateTimeField

# PostHog's names of the form's fields, for the refusals that name one (services.backfill_field).
UPSTREAM_FIELDS = {"start_at": "start", "end_at": "end"}


class BackfillForm(forms.Form):
    def __init__(self, data: Any = None, *, export: BatchExport) -> None:
        super().__init__(data)
        self.export = export
        if export.dates_only:
            widget = forms.DateInput(attrs={"type": "date"})
            self.fields["start"] = forms.DateField(label="From (date, UTC)", widget=widget)
            self.fields["end"] = forms.DateField(
                label="Until (date, UTC, not included)", widget=forms.DateInput(attrs={"type": "date"})
            )
        else:
            self.fields["start"] = UtcDateTimeField(label="From (UTC)")
            self.fields["end"] = UtcDateTimeField(label="Until (UTC, not included)")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = self._moment(cleaned.get("start")), self._moment(cleaned.get("end"))
        if start is None or end is None:
            return cleaned
        if end <= start:
            self.add_error("end", "The end must come after the start.")
        elif end > timezone.now():
            self.add_error("end", "The end is in the future: a backfill exports only what has already happened.")
        return cleaned

    @property
    def dates_only(self) -> bool:
        return self.export.dates_only

    def bounds(self) -> tuple[datetime, datetime]:
        """The range as UTC times (dates at midnight); for a valid form only."""
        start, end = self._moment(self.cleaned_data["start"]), self._moment(self.cleaned_data["end"])
        assert start is not None and end is not None
        return start, end

    def runs_expected(self) -> int | None:
        """PostHog's count (BatchExportBackfill.total_expected_runs): one run per interval begun in the range; None
        for an interval this portal does not know."""
        length = self.export.interval_length
        if length is None:
            return None
        start, end = self.bounds()
        return max(0, math.ceil((end - start) / length))

    @staticmethod
    def _moment(value: date | datetime | None) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.astimezone(UTC)
        return datetime.combine(value, time.min, tzinfo=UTC)
