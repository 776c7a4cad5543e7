"""A static cohort's `csv` upload, read as posthog/api/cohort.py `CohortSerializer._calculate_static_by_csv` reads
it (with `CSVConfig`): the IDs it names, or the refusal PostHog words for the `csv` field."""

import csv

from simulator.core.http import ApiError

# posthog/api/cohort.py CSVConfig
PERSON_ID_HEADERS = ("person_id", "person-id", "Person .id")
DISTINCT_ID_HEADERS = ("distinct_id", "distinct-id")
EMAIL_HEADERS = ("email", "e-mail")
EMPTY_FILE = "CSV file is empty. Please upload a CSV file with at least one row of data."
MISSING_ID_COLUMN = (
    "Multi-column CSV must contain at least one column with a supported ID header: 'person_id', 'Person .id' "
    "(PostHog export format), 'distinct_id', 'distinct-id', or 'email'. Found columns: {columns}"
)
NO_VALID_IDS = (
    "CSV file contains no valid person IDs, distinct IDs, or email addresses. Please ensure your file has data "
    "rows with person IDs, distinct IDs, or email addresses."
)
ENCODING_ERROR = "CSV file encoding is not supported. Please save your file as UTF-8 and try again."
FORMAT_ERROR = "CSV file format is invalid. Please check your file format and try again."


def _refused(detail: str) -> ApiError:
    """`ValidationError({"csv": [detail]})`."""
    return ApiError(400, detail, type="validation_error", code="invalid", attr="csv")


def _is(header: str, names: tuple[str, ...]) -> bool:
    return header.strip().lower() in {name.lower() for name in names}


def csv_ids(content: bytes) -> tuple[list[str], str]:
    """The IDs a CSV names and what they are ("person_id", "distinct_id" or "email").

    One column: a `person_id` or `email` header is skipped, anything else is a distinct ID (the first row too).
    Several columns: the first header naming person IDs, else distinct IDs, else e-mails picks the column. The
    file is decoded as UTF-8 and nothing more, so a byte order mark stays part of the first header.
    """
    try:
        lines = content.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise _refused(ENCODING_ERROR) from None
    try:
        rows = list(csv.reader(lines))
    except csv.Error:
        raise _refused(FORMAT_ERROR) from None
    while rows and not rows[0]:
        rows.pop(0)
    if not rows:
        raise _refused(EMPTY_FILE)
    first, rest = rows[0], rows[1:]
    if len([column for column in first if column.strip()]) <= 1:
        if first and _is(first[0], PERSON_ID_HEADERS):
            kind, body = "person_id", rest
        elif first and _is(first[0], EMAIL_HEADERS):
            kind, body = "email", rest
        else:
            kind, body = "distinct_id", rows
        ids = [row[0].strip() for row in body if row and row[0].strip()]
    else:
        found = _id_column(first)
        if found is None:
            named = [header for header in first if header.strip()]
            raise _refused(MISSING_ID_COLUMN.format(columns=", ".join(named) if named else "none"))
        column, kind = found
        ids = [row[column].strip() for row in rest if len(row) > column and row[column].strip()]
    if not ids:
        raise _refused(NO_VALID_IDS)
    return ids, kind


def _id_column(headers: list[str]) -> tuple[int, str] | None:
    """CSVConfig's preference: person_id, then distinct_id (matched in lower case only), then email."""
    lowered = [header.strip().lower() for header in headers]
    for index, header in enumerate(lowered):
        if header in {name.lower() for name in PERSON_ID_HEADERS}:
            return index, "person_id"
    for index, header in enumerate(lowered):
        if header in DISTINCT_ID_HEADERS:
            return index, "distinct_id"
    for index, header in enumerate(lowered):
        if header in {name.lower() for name in EMAIL_HEADERS}:
            return index, "email"
    return None
