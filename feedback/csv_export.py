"""Dashboard tables as CSV text that is safe to open in a spreadsheet.

    table_csv(["Skill", "Questions"], [("SQL", 12), ("=HYPERLINK(...)", 1)])

Pure: no Flask, no database. A spreadsheet runs a cell that starts with =, +, - or @ as a
formula (and some read a leading tab or carriage return the same way), so a skill or a
title someone typed could run when a lead opens the export. Every text cell starting with
one of those characters gets a leading apostrophe, which spreadsheets show as plain text.
Numbers are written as numbers, a negative change included: they are ours, not typed by
anyone. Lines end with CRLF, as RFC 4180 and spreadsheets expect.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """The text with a leading apostrophe if a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value: object) -> str | int | float | Decimal:
    """One value as a CSV cell: numbers as they are, None empty, dates in ISO 8601, yes/no
    for booleans, and any other text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return neutralise(str(value))


def table_csv(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """The header and rows as CSV text; ValueError if a row's length differs from the header's."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cell(h) for h in header])
    for number, row in enumerate(rows, start=1):
        if len(row) != len(header):
            raise ValueError(f"row {number} has {len(row)} cells where the header has {len(header)}")
        writer.writerow([cell(value) for value in row])
    return out.getvalue()
