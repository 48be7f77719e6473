"""Dashboard tables as CSV: read back with the csv module, and no typed text a spreadsheet
would run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from feedback.csv_export import cell, neutralise, table_csv


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("SQL", "SQL"),
        ("a=b", "a=b"),  # only the first character matters
        ("", ""),
    ],
)
def test_typed_text_a_spreadsheet_would_run_gets_an_apostrophe(typed, written):
    assert neutralise(typed) == written
    assert read(table_csv(["Skill"], [[typed]]))[1] == [written]


def test_a_table_reads_back_with_numbers_dates_and_empty_cells():
    text = table_csv(
        ["Skill", "Questions", "Change", "Share", "Taught", "Since", "Note"],
        [
            ["SQL", 12, -3, 0.75, False, date(2026, 11, 16), None],
            ["Kafka, streams", 5, 2, 0.5, True, datetime(2026, 11, 16, 9, tzinfo=UTC), 'said "help"\nthen left'],
        ],
    )
    assert text.startswith("Skill,Questions,Change,Share,Taught,Since,Note\r\n")
    assert read(text) == [
        ["Skill", "Questions", "Change", "Share", "Taught", "Since", "Note"],
        ["SQL", "12", "-3", "0.75", "no", "2026-11-16", ""],  # a negative number stays a number
        ["Kafka, streams", "5", "2", "0.5", "yes", "2026-11-16T09:00:00+00:00", 'said "help"\nthen left'],
    ]


def test_headers_are_neutralised_too():
    assert read(table_csv(["=cmd", "ok"], []))[0] == ["'=cmd", "ok"]


def test_a_number_written_as_text_is_text_and_neutralised():
    assert cell("-5") == "'-5"
    assert cell(-5) == -5


def test_a_row_of_the_wrong_length_is_refused_and_says_which():
    with pytest.raises(ValueError, match="row 2 has 1 cells where the header has 2"):
        table_csv(["a", "b"], [[1, 2], [3]])
