"""Reading and checking a CSV file of people, with no app and no database."""

from datetime import time

import pytest

from app.errors import InvalidInput
from app.people.csv_checks import check_rows
from app.people.csv_rows import RowProblem, decode_csv, read_people_csv
from app.people.models import Role, SkillKind, normalize_key


def test_rows_are_read_into_plain_values():
    read = read_people_csv(
        "Email,Name,Team,Roles,Working Hours,Can Teach,Shoe Size\n"
        'ADA@example.com, Ada  Lovelace ,Platform,mentor;lead,08:00-16:00,"SQL:4;Python:3",44\n'
        "\n"
        "tim@example.com,Tim,,,,,\n"
    )
    assert read.problems == () and read.ignored_columns == ("shoe_size",)
    ada, tim = read.rows
    assert (ada.row, ada.email, ada.team) == (2, "ada@example.com", "Platform")
    assert ada.values == {
        "name": "Ada Lovelace",
        "roles": frozenset({Role.MENTOR, Role.LEAD}),
        "work_start": time(8),
        "work_end": time(16),
    }
    assert ada.skills == {SkillKind.TEACH: (("SQL", 4), ("Python", 3))}
    assert (tim.row, tim.team, tim.skills) == (4, "", {SkillKind.TEACH: ()})


def test_a_quoted_cell_may_hold_commas_quotes_and_line_breaks():
    read = read_people_csv(
        'email,name,title\nada@example.com,Ada,"Staff, ""data""\nengineer"\ntim@example.com,Tim,Engineer\n'
    )
    assert [row.values["title"] for row in read.rows] == ['Staff, "data"\nengineer', "Engineer"]
    assert [row.row for row in read.rows] == [2, 3]


@pytest.mark.parametrize(
    "text, message",
    [
        ('email,name\nada@example.com,"Ada\ntim@example.com,Tim\n', 'Row 2 opens a quote (") that is never closed'),
        (
            'email,name\nada@example.com,Ada\ntim@example.com,Tim\nbea@example.com,"Bea\n',
            'Row 4 opens a quote (") that is never closed',
        ),
        ('"email,name\nada@example.com,Ada\n', 'Row 1 opens a quote (") that is never closed'),
        (
            'email,name\nada@example.com,"Ada" Lovelace\n',
            "This is not a CSV file Unstuck can read (row 2: ',' expected after '\"')",
        ),
    ],
)
def test_a_broken_quote_is_a_file_error_naming_its_row(text, message):
    with pytest.raises(InvalidInput) as caught:
        read_people_csv(text)
    assert caught.value.fields["file"].startswith(message)
    assert caught.value.fields["file"].endswith("nothing was imported.")


def test_rows_are_checked_against_what_is_known_without_the_database():
    read = read_people_csv(
        "email,name,team,manager_email\n"
        "ada@example.com,Ada,Platform,boss@example.com\n"
        "tim@example.com,Tim,Nowhere,\n"
        "bea@example.com,Bea,,ghost@example.com\n"
    )
    problems = check_rows(read, team_names={"platform"}, reporting={"boss@example.com": None}, skill_key=normalize_key)
    assert problems == (
        RowProblem(3, "team", "There is no team called Nowhere; add it on the Teams page first."),
        RowProblem(4, "manager_email", "No one with the email ghost@example.com is in Unstuck or in this file."),
    )


def test_an_upload_is_read_as_utf8_with_or_without_a_byte_order_mark():
    assert decode_csv("\ufeffemail,name\n".encode()) == "email,name\n"
    with pytest.raises(InvalidInput) as caught:
        decode_csv(b"\xff\xfe")
    assert caught.value.fields["file"].startswith("The file is not UTF-8 text")
