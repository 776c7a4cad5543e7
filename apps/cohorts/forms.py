"""Creating a cohort: static from person IDs (pasted or a CSV file), or dynamic from filters typed as JSON."""

from typing import Any

from django import forms

from apps.core.csv_import import MAX_CSV_BYTES, csv_rows_read, upload_text_read
from apps.core.forms import JSONTextField, json_read
from apps.file_system.forms import FolderPathField

# PostHog's `_create_static_person_ids` takes person IDs (UUIDs); a CSV names their column one of these.
PERSON_ID_COLUMNS = ("person_id", "person_uuid", "uuid", "id")
DISTINCT_ID_COLUMNS = ("distinct_id", "distinct_ids")
MAX_PERSON_IDS = 20_000
MAX_UPLOAD_BYTES = MAX_CSV_BYTES
EXAMPLE_FILTERS = {
    "properties": {
        "type": "AND",
        "values": [
            {
                "type": "AND",
                "values": [
                    {"type": "person", "key": "email", "operator": "icontains", "value": "@example.com"},
                ],
            }
        ],
    }
}


def person_ids_read(text: str) -> list[str]:
    """One ID per line, or CSV whose first row names a person_id column; blanks and repeats dropped."""
    rows = csv_rows_read(text=text)
    if not rows:
        return []
    header = [cell.lower() for cell in rows[0]]
    column = next((header.index(name) for name in PERSON_ID_COLUMNS if name in header), None)
    if column is not None:
        rows = rows[1:]
    elif any(name in header for name in DISTINCT_ID_COLUMNS):
        raise forms.ValidationError(
            "PostHog takes person IDs here, not distinct IDs: give the column of person IDs a person_id heading.",
            code="distinct_ids",
        )
    elif any(len(row) > 1 for row in rows):
        raise forms.ValidationError(
            "This has several columns and none is headed person_id: name the column of person IDs in the first row.",
            code="no_id_column",
        )
    else:
        column = 0
    return list(dict.fromkeys(row[column] for row in rows if len(row) > column and row[column]))


class CohortForm(forms.Form):
    name = forms.CharField(max_length=400)
    description = forms.CharField(
        required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), help_text="What the cohort is for."
    )
    folder = FolderPathField(
        label="File in folder",
        help_text="A file-system folder such as Customer Success (made if missing); empty files it under "
        "Unfiled/Cohorts.",
    )

    # PostHog's names of fields that have another name here, and the field its refusals naming none go on (None:
    # the top of the form); see apps.core.pages.form_write.
    UPSTREAM_FIELDS: dict[str, str] = {}
    UNNAMED_ERRORS_ON: str | None = None

    def payload(self) -> dict[str, Any]:
        """The cohort to create, as PostHog takes it."""
        raise NotImplementedError

    def _common(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.cleaned_data["name"], "description": self.cleaned_data["description"]}
        if self.cleaned_data["folder"]:
            data["_create_in_folder"] = self.cleaned_data["folder"]
        return data


class StaticCohortForm(CohortForm):
    person_ids = forms.CharField(
        label="Person IDs",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "code", "spellcheck": "false"}),
        help_text="One per line, or pasted CSV whose first row heads the ID column person_id.",
    )
    csv_file = forms.FileField(
        label="Or a CSV file",
        required=False,
        help_text="The same shapes, up to 2 MB; both are used when you give both. A file has to be chosen again "
        "if the form comes back with an error.",
        widget=forms.FileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )

    UPSTREAM_FIELDS = {"_create_static_person_ids": "person_ids", "_create_in_folder": "folder"}

    def clean_person_ids(self) -> list[str]:
        return person_ids_read(self.cleaned_data["person_ids"])

    def clean_csv_file(self) -> list[str]:
        upload = self.cleaned_data["csv_file"]
        if not upload:
            return []
        return person_ids_read(upload_text_read(upload=upload, max_bytes=MAX_UPLOAD_BYTES))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if "person_ids" not in cleaned or "csv_file" not in cleaned:
            return cleaned
        ids = list(dict.fromkeys([*cleaned["person_ids"], *cleaned["csv_file"]]))
        if not ids:
            self.add_error("person_ids", "Paste person IDs or choose a CSV file: a static cohort lists its persons.")
        elif len(ids) > MAX_PERSON_IDS:
            self.add_error("person_ids", f"{len(ids):,} IDs: at most {MAX_PERSON_IDS:,} can be sent at once.")
        cleaned["ids"] = ids
        return cleaned

    def payload(self) -> dict[str, Any]:
        return {**self._common(), "is_static": True, "_create_static_person_ids": self.cleaned_data["ids"]}


class DynamicCohortForm(CohortForm):
    filters = JSONTextField(
        label="Filters (JSON)",
        widget=forms.Textarea(attrs={"rows": 16, "class": "code", "spellcheck": "false"}),
        initial=EXAMPLE_FILTERS,
        help_text="PostHog's cohort filters: a “properties” group of type AND or OR whose values are groups or "
        "person, behavioral and cohort filters.",
    )

    UPSTREAM_FIELDS = {"_create_in_folder": "folder"}
    # PostHog's refusals that name no field ("Invalid Cohort ID in filter", loops) are about the filters.
    UNNAMED_ERRORS_ON = "filters"

    def clean_filters(self) -> dict[str, Any]:
        filters = json_read(self.cleaned_data["filters"])
        if not isinstance(filters, dict) or not isinstance(filters.get("properties"), dict):
            raise forms.ValidationError(
                'Filters are a JSON object with a “properties” group: {"properties": {"type": "AND", "values": […]}}.',
                code="shape",
            )
        return filters

    def payload(self) -> dict[str, Any]:
        return {**self._common(), "is_static": False, "filters": self.cleaned_data["filters"]}
