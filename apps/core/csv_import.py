"""Text and CSV that people paste or upload, read within limits: every problem is a ValidationError for the field
it came in, never an exception out of the csv module (whose own field limit, 131,072 characters, raises
`_csv.Error`) or the decoder."""

import csv
import io

from django import forms
from django.core.files.uploadedfile import UploadedFile

MAX_CSV_BYTES = 2 * 1024 * 1024  # a file, or pasted text (counted in characters)
# One value (cell): IDs and names, not documents. Below the csv module's own limit, so ours is the one people meet.
MAX_CSV_FIELD_CHARS = 1_000
NOT_UTF8 = "The file is not UTF-8 text: save it as CSV (UTF-8)."


def upload_text_read(*, upload: UploadedFile, max_bytes: int = MAX_CSV_BYTES) -> str:
    """An uploaded file as text: UTF-8 (a byte-order mark dropped), at most `max_bytes`."""
    if (upload.size or 0) > max_bytes:
        raise forms.ValidationError(f"The file is larger than {_size(max_bytes)}: split it into several.", code="size")
    try:
        return upload.read(max_bytes + 1).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise forms.ValidationError(NOT_UTF8, code="encoding") from None


def csv_rows_read(
    *, text: str, max_chars: int = MAX_CSV_BYTES, max_field_chars: int = MAX_CSV_FIELD_CHARS
) -> list[list[str]]:
    """The rows of CSV text (one value per line is CSV too), each value stripped, empty rows and trailing empty
    cells dropped."""
    if len(text) > max_chars:
        raise forms.ValidationError(
            f"This is {len(text):,} characters long: at most {max_chars:,} are accepted; split it.", code="size"
        )
    rows = []
    reader = csv.reader(io.StringIO(text))
    too_long = forms.ValidationError(
        "Line %(line)s has a value longer than %(limit)s characters: is it the right file or column?",
        code="field_size",
        params={"limit": f"{max_field_chars:,}"},
    )
    try:
        for row in reader:
            cells = [cell.strip() for cell in row]
            if any(len(cell) > max_field_chars for cell in cells):
                raise _on_line(too_long, reader.line_num)
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                rows.append(cells)
    except csv.Error as error:
        # The module's own field limit (csv.field_size_limit) is above ours: a value past it is just too long.
        if "field limit" in str(error):
            raise _on_line(too_long, reader.line_num) from None
        raise forms.ValidationError(
            "Line %(line)s is not readable as CSV (%(error)s).",
            code="csv",
            params={"line": reader.line_num, "error": error},
        ) from None
    return rows


def _on_line(error: forms.ValidationError, line: int) -> forms.ValidationError:
    return forms.ValidationError(error.message, code=error.code, params={**(error.params or {}), "line": line})


def _size(size: int) -> str:
    return f"{size // (1024 * 1024)} MB" if size % (1024 * 1024) == 0 else f"{size:,} bytes"
