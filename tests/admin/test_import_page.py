"""The import page reports every problem of every row in one pass and saves nothing until the
whole file is right; it creates skills only when the admin ticks "Create new skills"."""

import html
import io
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.people.models import Skill, SkillKind, User
from tests.admin.people_pages import admin, count, shows  # noqa: F401  (fixture)
from tests.people.import_files import csv_text, everything, person, skills_of

COLUMNS = "email,name,team,roles,title,level,timezone,manager_email,can_teach,wants_to_learn,working_hours,start_date"


def upload(client, content: bytes | str, create_skills: bool = False):
    data: dict = {"file": (io.BytesIO(content.encode() if isinstance(content, str) else content), "people.csv")}
    if create_skills:
        data["create_skills"] = "y"
    return client.post("/admin/people/import", data=data, content_type="multipart/form-data")


def problems(response) -> list[tuple[int, str, str]]:
    """The report's table: (row, column, problem) as the page shows them."""
    page = response.get_data(as_text=True)
    found = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", page)
    return [(int(row), html.unescape(column), html.unescape(reason)) for row, column, reason in found]


def cells(response) -> list[tuple[int, str]]:
    return [(row, column) for row, column, _ in problems(response)]


def skill_names() -> list[str]:
    return sorted(db.session.scalars(sa.select(Skill.name)))


SKILLS = "email,name,can_teach,wants_to_learn"


@pytest.fixture
def catalogue(make, app):
    make.team("Platform")
    make.skill("PostgreSQL", aliases=["postgres"])
    make.skill("SQL")


def test_every_problem_of_every_row_shows_at_once_and_nothing_is_saved(client, admin, catalogue):
    before = everything()
    long_name = "N" * 121
    response = upload(
        client,
        csv_text(
            # row 2: every cell wrong, the unknown manager among them
            "not-an-email,,Nowhere,mentor;wizard;sorcerer,,7,Mars/Base,ghost@example.com,Rust:9;Go,pg:x,9-5,01/03/2025",
            # row 3: its manager is on a later row that is wrong itself; that is not a problem of row 3
            f"tim@example.com,{long_name},Platform,,,high,UTC,bea@example.com,SQL:3;Elixir:2,Haskell:2,17:00-09:00,",
            # row 4: the manager of row 3, with problems of its own
            "bea@example.com,Bea,platform,,,,Europe/Berlin,boss@,postgres:3;POSTGRESQL:2,,,2025-02-30",
            header=COLUMNS,
        ),
    )
    assert response.status_code == 400
    assert shows(response, "Nothing was imported:") and shows(response, "3 rows have problems. Fix every problem below")
    assert cells(response) == [
        (2, "email"),
        (2, "name"),
        (2, "team"),
        (2, "roles"),
        (2, "level"),
        (2, "timezone"),
        (2, "manager_email"),
        (2, "can_teach"),
        (2, "can_teach"),
        (2, "wants_to_learn"),
        (2, "working_hours"),
        (2, "start_date"),
        (3, "name"),
        (3, "level"),
        (3, "can_teach"),
        (3, "wants_to_learn"),
        (3, "working_hours"),
        (4, "manager_email"),
        (4, "can_teach"),
        (4, "start_date"),
    ]
    reasons = {(row, column): reason for row, column, reason in problems(response)}
    assert reasons[(2, "roles")] == "'wizard', 'sorcerer' are not roles (new hire, mentor, team lead, admin)."
    assert reasons[(2, "manager_email")] == "No one with the email ghost@example.com is in Unstuck or in this file."
    assert [r for (row, column, r) in problems(response) if (row, column) == (2, "can_teach")] == [
        "The level of Rust must be from 1 to 5, not 9.",
        "Write each skill as name:level, such as SQL:4 (not 'Go').",
    ]
    assert reasons[(3, "name")] == "A name is at most 120 characters."
    assert reasons[(3, "can_teach")] == "Unknown skill 'Elixir' — tick 'Create new skills' to add it."
    assert reasons[(3, "wants_to_learn")] == "Unknown skill 'Haskell' — tick 'Create new skills' to add it."
    assert reasons[(4, "can_teach")] == "postgres and POSTGRESQL are the same skill; list it once."
    assert everything() == before


def test_an_unknown_manager_shows_with_the_rows_other_problems(client, admin):
    response = upload(
        client, csv_text("tim@example.com,,Mars/Base,ghost@example.com", header="email,name,timezone,manager_email")
    )
    assert response.status_code == 400
    assert cells(response) == [(2, "name"), (2, "timezone"), (2, "manager_email")]
    assert person("tim@example.com") is None


def test_a_manager_later_in_the_file_is_linked(client, admin):
    response = upload(
        client,
        csv_text("tim@example.com,Tim,boss@example.com", "boss@example.com,Boss,", header="email,name,manager_email"),
    )
    assert response.status_code == 200 and shows(response, "2 created, 0 updated.")
    assert person("tim@example.com").manager == person("boss@example.com")


def test_one_bad_row_keeps_the_good_rows_out_too(client, admin):
    response = upload(
        client, csv_text("cal@example.com,Cal,UTC", "tim@example.com,Tim,Mars/Base", header="email,name,timezone")
    )
    assert response.status_code == 400 and cells(response) == [(3, "timezone")]
    assert person("cal@example.com") is None and count(User) == 1


# New skills


def test_unknown_skills_are_refused_without_the_tick(client, admin, catalogue):
    before = everything()
    response = upload(
        client,
        csv_text("tim@example.com,Tim,Rust:2;SQL:3,Go:1", "bea@example.com,Bea,rust:4,", header=SKILLS),
    )
    assert response.status_code == 400
    assert problems(response) == [
        (2, "can_teach", "Unknown skill 'Rust' — tick 'Create new skills' to add it."),
        (2, "wants_to_learn", "Unknown skill 'Go' — tick 'Create new skills' to add it."),
        (3, "can_teach", "Unknown skill 'rust' — tick 'Create new skills' to add it."),
    ]
    assert everything() == before


def test_with_the_tick_unknown_skills_are_created_once_and_listed(client, admin, catalogue):
    response = upload(
        client,
        csv_text("tim@example.com,Tim,Rust:2;SQL:3,Go:1", "bea@example.com,Bea,rust:4,", header=SKILLS),
        create_skills=True,
    )
    assert response.status_code == 200 and shows(response, "2 created, 0 updated.")
    page = response.get_data(as_text=True)
    assert '<span class="tag">Rust</span><span class="tag">Go</span>' in page
    assert skill_names() == ["Go", "PostgreSQL", "Rust", "SQL"]
    assert skills_of(person("bea@example.com"), SkillKind.TEACH) == {"Rust": 4}


@pytest.mark.parametrize("create_skills", [False, True])
def test_a_skill_in_another_case_or_under_an_alias_is_not_new(client, admin, catalogue, create_skills):
    response = upload(
        client,
        csv_text("tim@example.com,Tim,postgres:3;sql:2,  Postgresql :1", header=SKILLS),
        create_skills=create_skills,
    )
    assert response.status_code == 200 and shows(response, "1 created, 0 updated.")
    assert "New skills" not in response.get_data(as_text=True)
    assert skill_names() == ["PostgreSQL", "SQL"]
    tim = person("tim@example.com")
    assert skills_of(tim, SkillKind.TEACH) == {"PostgreSQL": 3, "SQL": 2}
    assert skills_of(tim, SkillKind.LEARN) == {"PostgreSQL": 1}


# Files that cannot be read


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "The file is empty; its first row should name the columns."),
        (b"\n\n", "The file is empty; its first row should name the columns."),
        (b"email,name\n", "The file names the columns but has no people under them."),
        ("email,name\nAda,Léa\n".encode("latin-1"), "The file is not UTF-8 text; save it as CSV UTF-8"),
        (
            b"ada@example.com,Ada\ntim@example.com,Tim\n",
            "The first row must name the columns, including email and name. It looks like a person rather "
            "than column names: add a first row such as email,name.",
        ),
        (b"Email,Title,title\nada@example.com,x,y\n", "including name. The column title appears twice."),
        (b"email,name\n" + b"x" * 140_000 + b",Ada\n", "Row 2 has a cell longer than 131,072 characters"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_clear_400(client, admin, content, message):
    response = upload(client, content)
    assert response.status_code == 400 and shows(response, message)
    assert 'class="error"' in response.get_data(as_text=True)
    assert count(User) == 1


def test_a_file_over_the_upload_limit_is_refused_with_the_limit(app, client, admin):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    response = upload(client, csv_text(*(f"p{n}@example.com,P{n}" for n in range(200)), header="email,name"))
    assert response.status_code == 413
    assert shows(response, "That upload is too large. Unstuck accepts at most 2 KB at once.")
    assert count(User) == 1
