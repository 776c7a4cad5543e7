"""A plugin's source files as the source pages show them: highlighted for reading, compared before saving."""

import difflib
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_for_filename
from pygments.util import ClassNotFound

# Line numbers inline (not a table) so a long line scrolls together with its number.
FORMATTER = HtmlFormatter(cssclass="highlight", linenos="inline", wrapcode=True)


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
    return [_highlighted(position, name, str(source[name] or "")) for position, name in enumerate(in_order(source))]


def in_order(source: dict[str, str]) -> list[str]:
    """The file names in the order the pages show them (the reading page and the editor alike)."""
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
