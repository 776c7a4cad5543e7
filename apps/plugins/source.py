"""A plugin's source files: highlighted for reading, edited as a form, and compared before saving."""

import difflib
import re
from dataclasses import dataclass, field

from django import forms
from django.utils.safestring import SafeString, mark_safe
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_for_filename
from pygments.util import ClassNotFound

# PostHog refuses names with a slash; the rest keeps a name readable and safe in a form field.
FILE_NAME = re.compile(r"^[\w.@+-]{1,200}$")
# Line numbers inline (not a table) so a long line scrolls together with its number.
FORMATTER = HtmlFormatter(cssclass="highlight", linenos="inline", wrapcode=True)
MAX_FILES = 200


@dataclass(frozen=True)
class SourceFile:
    anchor: str
    name: str
    language: str
    html: SafeString
    lines: int


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "hunk", "add", "del" or "ctx"
    text: str


@dataclass(frozen=True)
class FileDiff:
    name: str
    status: str  # "added", "removed" or "changed"
    lines: list[DiffLine] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(line.kind == "add" for line in self.lines)

    @property
    def removed(self) -> int:
        return sum(line.kind == "del" for line in self.lines)


def highlighted_files(source: dict[str, str]) -> list[SourceFile]:
    """Every file in name order; plugin.json first, as it describes the rest."""
    return [_highlighted(position, name, str(source[name] or "")) for position, name in enumerate(_in_order(source))]


def _in_order(source: dict[str, str]) -> list[str]:
    return sorted(source, key=lambda name: (name != "plugin.json", name.lower()))


def _highlighted(position: int, name: str, text: str) -> SourceFile:
    try:
        lexer = get_lexer_for_filename(name, stripnl=False)
    except ClassNotFound:
        lexer = TextLexer(stripnl=False)
    # Pygments escapes the text it is given, so its HTML is safe to show.
    return SourceFile(
        anchor=f"file-{position}",
        name=name,
        language=lexer.name,
        html=mark_safe(highlight(text, lexer, FORMATTER)),
        lines=text.count("\n") + (0 if text.endswith("\n") or not text else 1),
    )


def file_diffs(before: dict[str, str], changes: dict[str, str | None]) -> list[FileDiff]:
    return [_diff(name, before.get(name), changes[name]) for name in sorted(changes, key=str.lower)]


def _diff(name: str, old: str | None, new: str | None) -> FileDiff:
    status = "added" if old is None else "removed" if new is None else "changed"
    unified = difflib.unified_diff((old or "").splitlines(), (new or "").splitlines(), lineterm="", n=3)
    lines = []
    for text in list(unified)[2:]:  # the ---/+++ header names the file, which the page already shows
        kind = {"@": "hunk", "+": "add", "-": "del"}.get(text[:1], "ctx")
        lines.append(DiffLine(kind=kind, text=text if kind == "hunk" else text[1:]))
    return FileDiff(name=name, status=status, lines=lines)


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

    def __init__(self, data=None, *, source: dict[str, str], **kwargs):
        super().__init__(data, **kwargs)
        self.source = source
        names = _posted_names(data) if data is not None else _in_order(source)
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

    def clean(self):
        cleaned = super().clean()
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


def _posted_names(data) -> list[str]:
    names = []
    while (name := data.get(f"name_{len(names)}")) and len(names) < MAX_FILES:
        names.append(name)
    return names
