"""The editor of a plugin's source: one textarea per file, and one new file."""

import re
from typing import Any

from django import forms

from apps.plugins.presenters.source import in_order

# PostHog refuses names with a slash; the rest keeps a name readable and safe in a form field.
FILE_NAME = re.compile(r"^[\w.@+-]{1,200}$")
MAX_FILES = 200


def _plain_newlines(text: str) -> str:
    # Browsers send textarea lines with CRLF; the stored source uses LF.
    return text.replace("\r\n", "\n")


class SourceForm(forms.Form):
    """One textarea (and a "remove" box) per file of the source, and one new file.

    Field names carry a file's position, not its name: file names are PostHog's text. Each file's name
    travels with the form, so a file added in PostHog meanwhile cannot shift the texts onto other files.
    """

    new_name = forms.CharField(label="New file name", required=False, max_length=200)
    new_content = forms.CharField(
        label="New file content",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "class": "code-input"}),
    )

    def __init__(self, data: Any = None, *, source: dict[str, str], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.source = source
        names = _posted_names(data) if data is not None else in_order(source)
        self._file_fields: dict[str, tuple[str, str]] = {}
        for position, name in enumerate(names):
            content, remove = f"content_{position}", f"remove_{position}"
            self.fields[f"name_{position}"] = forms.CharField(initial=name, widget=forms.HiddenInput)
            self.fields[content] = forms.CharField(
                label=name,
                required=False,
                strip=False,
                initial=source.get(name, ""),
                widget=forms.Textarea(
                    attrs={"rows": _rows(source.get(name, "")), "spellcheck": "false", "class": "code-input"}
                ),
            )
            self.fields[remove] = forms.BooleanField(label="Remove this file", required=False)
            self._file_fields[name] = (content, remove)

    def file_fields(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        """(hidden name, textarea, remove box) per file, in the order the form shows them."""
        return [
            (self[content.replace("content_", "name_")], self[content], self[remove])
            for content, remove in self._file_fields.values()
        ]

    def error_fields(self) -> dict[str, str]:
        """File name → the textarea holding it, for PostHog's errors (whose `attr` is the file name)."""
        fields = {name: content for name, (content, _) in self._file_fields.items()}
        if self.is_bound and self.data.get("new_name"):
            fields[self.data["new_name"].strip()] = "new_content"
        return fields

    def clean_new_name(self) -> str:
        name = self.cleaned_data["new_name"].strip()
        if name and not FILE_NAME.match(name):
            raise forms.ValidationError("Use letters, digits, dots, dashes and underscores only, without a slash.")
        if name in self.source or name in self._file_fields:
            raise forms.ValidationError("This file exists already: edit it above.")
        return name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("new_content") and not cleaned.get("new_name"):
            self.add_error("new_name", "Name the new file.")
        return cleaned

    def changes(self) -> dict[str, str | None]:
        """What PostHog's update_source needs (call after is_valid): changed and new files, removed ones as None.

        Files of PostHog's copy that the form does not hold are left alone.
        """
        changes: dict[str, str | None] = {}
        for name, (content, remove) in self._file_fields.items():
            text = _plain_newlines(self.cleaned_data[content])
            if self.cleaned_data[remove]:
                if name in self.source:
                    changes[name] = None
            elif self.source.get(name) != text:
                changes[name] = text
        if self.cleaned_data["new_name"]:
            changes[self.cleaned_data["new_name"]] = _plain_newlines(self.cleaned_data["new_content"])
        return changes


def _rows(text: str) -> int:
    """Tall enough for a short file, scrolling for a long one."""
    return min(max(text.count("\n") + 2, 6), 24)


def _posted_names(data: Any) -> list[str]:
    names: list[str] = []
    while (name := data.get(f"name_{len(names)}")) and len(names) < MAX_FILES:
        names.append(name)
    return names
