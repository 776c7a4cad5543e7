"""Pieces of a streamed CSV download: rows written to nowhere and handed back, and cells kept as text."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Echo:
    """csv.writer writes each row here and gets it back, ready to stream."""

    def write(self, value: str) -> str:
        return value


def csv_safe[T](cell: T) -> T | str:
    """A spreadsheet runs a cell starting with = + - @ as a formula; a leading quote keeps it text."""
    return f"'{cell}" if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell
