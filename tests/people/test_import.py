"""Importing people from CSV: creating, updating, and reporting bad rows with nothing written."""

from datetime import date, time

import pytest
import sqlalchemy as sa

from app.errors import InvalidInput
from app.extensions import db
from app.people import importer
from app.people.csv_rows import RowProblem
from app.people.importer import import_people_csv
from app.people.models import Role, Skill, SkillKind, User
from tests.people.import_files import HEADER, csv_text, everything, person, skills_of

# Creating and updating


def test_an_import_creates_people_with_every_detail(app, make, platform):
    make.skill("PostgreSQL", aliases=["postgres"])
    report = import_people_csv(
        csv_text(
            "ada@example.com,Ada Lovelace,platform,mentor;team lead,Staff engineer,4,Europe/London,,"
            "postgres:4;Python:3,Rust:1,08:30-16:30,2025-03-01",
            "Tim@Example.com,Tim,Platform,new hire,Engineer,1,Europe/Berlin,ada@example.com,,SQL:2,,",
            header=HEADER + ",working_hours,start_date",
        ),
        create_skills=True,
    )
    assert (report.created, report.updated, report.problems) == (2, 0, ())
    assert report.new_skills == ("Python", "Rust", "SQL")

    ada, tim = person("ada@example.com"), person("tim@example.com")
    assert ada.name == "Ada Lovelace" and ada.team == platform and ada.title == "Staff engineer"
    assert ada.roles == {Role.MENTOR, Role.LEAD} and ada.level == 4 and ada.timezone == "Europe/London"
    assert (ada.work_start, ada.work_end) == (time(8, 30), time(16, 30))
    assert ada.start_date == date(2025, 3, 1)
    assert skills_of(ada, SkillKind.TEACH) == {"PostgreSQL": 4, "Python": 3}
    assert skills_of(ada, SkillKind.LEARN) == {"Rust": 1}
    assert tim.manager == ada and tim.roles == {Role.NEW_HIRE} and tim.work_start == time(9)
    assert db.session.scalar(sa.select(Skill).where(Skill.name == "Rust")).category == ""


def test_imported_people_have_no_password_and_a_reimport_keeps_one_set_since(app, client):
    import_people_csv(csv_text("ada@example.com,Ada,,,,,,,,"))
    ada = person("ada@example.com")
    assert ada.password_hash is None
    ada.set_password("a long enough password")
    db.session.commit()
    import_people_csv(csv_text("ada@example.com,Ada L.,,,,,,,,"))
    response = client.post("/sign-in", data={"email": "ada@example.com", "password": "a long enough password"})
    assert response.status_code == 302


def test_a_reimport_updates_people_by_email_and_never_duplicates(app, platform):
    import_people_csv(csv_text("ada@example.com,Ada,Platform,mentor,Engineer,2,Europe/Berlin,,SQL:2,"), True)
    report = import_people_csv(csv_text("ADA@example.COM,Ada L.,,mentor;admin,Staff,4,UTC,,SQL:4,"))
    assert (report.created, report.updated, report.new_skills) == (0, 1, ())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    ada = person("ada@example.com")
    assert (ada.name, ada.team, ada.title) == ("Ada L.", None, "Staff")
    assert (ada.level, ada.timezone) == (4, "UTC")
    assert ada.roles == {Role.MENTOR, Role.ADMIN}
    assert skills_of(ada, SkillKind.TEACH) == {"SQL": 4}


def test_the_files_skills_replace_that_kind_only_when_its_column_is_there(app, make):
    ada = make.user(email="ada@example.com")
    for name, kind, level in (("SQL", "teach", 2), ("Go", "teach", 3), ("Rust", "learn", 1)):
        make.user_skill(ada, make.skill(name), kind, level)
    import_people_csv(csv_text("ada@example.com,Ada,SQL:4;Python:3", header="email,name,can_teach"), True)
    assert skills_of(ada, SkillKind.TEACH) == {"SQL": 4, "Python": 3}
    assert skills_of(ada, SkillKind.LEARN) == {"Rust": 1}
    import_people_csv(csv_text("ada@example.com,Ada,", header="email,name,wants_to_learn"))
    assert skills_of(ada, SkillKind.LEARN) == {}
    assert skills_of(ada, SkillKind.TEACH) == {"SQL": 4, "Python": 3}


def test_columns_left_out_keep_what_is_there_and_empty_cells_keep_or_clear(app, make, platform):
    boss = make.user(email="boss@example.com")
    make.user(
        email="ada@example.com",
        name="Ada",
        team=platform,
        title="Engineer",
        level=3,
        timezone="Asia/Tokyo",
        manager=boss,
        roles=(Role.MENTOR,),
    )
    import_people_csv(csv_text("ada@example.com,Ada Lovelace", header="email,name"))
    ada = person("ada@example.com")
    assert (ada.team, ada.title, ada.manager) == (platform, "Engineer", boss)
    assert (ada.level, ada.timezone) == (3, "Asia/Tokyo")
    import_people_csv(csv_text("ada@example.com,Ada,,,,,,,,"))
    db.session.expire_all()
    assert (ada.team, ada.title, ada.manager) == (None, "", None)  # cleared
    assert (ada.level, ada.timezone, ada.roles) == (3, "Asia/Tokyo", {Role.MENTOR})  # kept


def test_unknown_skills_are_created_once_and_known_ones_found_by_alias(app, make):
    postgres = make.skill("PostgreSQL", aliases=["postgres"])
    report = import_people_csv(
        csv_text(
            "ada@example.com,Ada,,,,,,,Kubernetes:2;POSTGRES:3,",
            "tim@example.com,Tim,,,,,,,,kubernetes:1",
        ),
        create_skills=True,
    )
    assert report.new_skills == ("Kubernetes",)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Skill)) == 2
    assert skills_of(person("tim@example.com"), SkillKind.LEARN) == {"Kubernetes": 1}
    assert skills_of(person("ada@example.com"), SkillKind.TEACH) == {"Kubernetes": 2, postgres.name: 3}
    assert "New skills created (merge any duplicates into an existing skill): Kubernetes" in report.lines()


def test_header_names_are_forgiving_and_unknown_columns_are_reported(app):
    report = import_people_csv(csv_text("ada@example.com,Ada,Fun", header="Email, Name ,Favourite Colour"))
    assert report.created == 1 and report.ignored_columns == ("favourite_colour",)


# Bad rows

BAD_ROWS = [
    ({"email": "not-an-email"}, "email", "'not-an-email' is not a valid email address"),
    ({"name": " "}, "name", "A name is required."),
    ({"timezone": "Mars/Base"}, "timezone", "'Mars/Base' is not a known time zone"),
    ({"level": "7"}, "level", "Level must be from 1 to 5, not 7."),
    ({"level": "high"}, "level", "Level must be a whole number from 1 to 5, not 'high'."),
    ({"roles": "mentor;wizard"}, "roles", "'wizard' is not a role"),
    ({"team": "Nowhere"}, "team", "There is no team called Nowhere; add it on the Teams page first."),
    (
        {"manager_email": "ghost@example.com"},
        "manager_email",
        "No one with the email ghost@example.com is in Unstuck or in this file.",
    ),
    ({"manager_email": "BEA@example.com"}, "manager_email", "A person cannot be their own manager."),
    ({"manager_email": "boss@"}, "manager_email", "'boss@' is not a valid email address"),
    ({"can_teach": "SQL:9"}, "can_teach", "The level of SQL must be from 1 to 5, not 9."),
    ({"can_teach": "SQL:0"}, "can_teach", "The level of SQL must be from 1 to 5, not 0."),
    ({"wants_to_learn": "Rust"}, "wants_to_learn", "Write each skill as name:level, such as SQL:4 (not 'Rust')."),
    ({"can_teach": "SQL:3;sql:4"}, "can_teach", "sql is listed twice."),
    ({"can_teach": "PostgreSQL:3;pg:2"}, "can_teach", "PostgreSQL and pg are the same skill; list it once."),
    ({"working_hours": "9-5"}, "working_hours", "Write working hours as 09:00-17:00, not '9-5'."),
    ({"working_hours": "17:00-09:00"}, "working_hours", "Working hours must start before they end."),
    ({"start_date": "01/03/2025"}, "start_date", "Write the start date as YYYY-MM-DD"),
]
COLUMNS = HEADER.split(",") + ["working_hours", "start_date"]


def row(**cells) -> str:
    values = {
        "email": "bea@example.com",
        "name": "Bea Changed",
        "team": "Platform",
        "roles": "mentor",
        "level": "5",
        "timezone": "Asia/Tokyo",
        "can_teach": "SQL:5",
    } | cells
    return ",".join(values.get(c, "") for c in COLUMNS)


@pytest.mark.parametrize("cells, column, reason", BAD_ROWS)
def test_a_bad_row_is_reported_and_nothing_is_written(app, make, platform, cells, column, reason):
    make.skill("PostgreSQL", aliases=["pg"])
    bea = make.user(email="bea@example.com", name="Bea", level=2, roles=(Role.NEW_HIRE,))
    make.user_skill(bea, make.skill("SQL"), SkillKind.TEACH, 2)
    before = everything()

    report = import_people_csv(
        csv_text(row(email="good@example.com", name="Good"), row(**cells), header=",".join(COLUMNS))
    )

    assert report.bad_rows == (3,)
    [problem] = report.problems
    assert (problem.row, problem.column) == (3, column) and problem.reason.startswith(reason)
    assert f"Row 3, {column}: {problem.reason}" in report.lines()
    assert (report.created, report.updated) == (0, 0)
    assert everything() == before  # not even the good row


def test_a_duplicate_email_in_the_file_is_a_problem(app):
    report = import_people_csv(
        csv_text("ada@example.com,Ada,,,,,,,,", "tim@example.com,Tim,,,,,,,,", "ADA@example.com,Other Ada,,,,,,,,")
    )
    assert report.problems == (RowProblem(4, "email", "ada@example.com is also on row 2; list each person once."),)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_a_manager_can_come_later_in_the_file(app):
    report = import_people_csv(csv_text("tim@example.com,Tim,,,,,,boss@example.com,,", "boss@example.com,Boss,,,,,,,,"))
    assert report.created == 2 and not report.problems
    assert person("tim@example.com").manager == person("boss@example.com")


def test_a_loop_in_the_file_makes_its_rows_bad(app):
    report = import_people_csv(
        csv_text(
            "a@example.com,A,,,,,,b@example.com,,",
            "b@example.com,B,,,,,,a@example.com,,",
            "c@example.com,C,,,,,,a@example.com,,",
        )
    )
    assert report.problems == (
        RowProblem(2, "manager_email", "The reporting line would loop: a@example.com → b@example.com → a@example.com."),
        RowProblem(3, "manager_email", "The reporting line would loop: b@example.com → a@example.com → b@example.com."),
    )
    assert report.created == 0 and person("a@example.com") is None


def test_a_loop_through_people_already_known_makes_the_row_bad(app, make):
    boss = make.user(email="boss@example.com")
    make.user(email="grace@example.com", manager=boss)
    report = import_people_csv(csv_text("boss@example.com,Boss,grace@example.com", header="email,name,manager_email"))
    assert [(p.row, p.column) for p in report.problems] == [(2, "manager_email")]
    assert "boss@example.com → grace@example.com → boss@example.com" in report.problems[0].reason
    db.session.expire_all()
    assert boss.manager is None


def test_a_row_whose_managers_row_is_bad_names_only_its_own_problems(app):
    report = import_people_csv(
        csv_text(
            "boss@example.com,Boss,,,,,Nowhere/Land,,,",
            "mid@example.com,Mid,,,,,,boss@example.com,,",
            "new@example.com,New,,,,,,mid@example.com,,",
        )
    )
    assert [(p.row, p.column) for p in report.problems] == [(2, "timezone")]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_new_skills_of_bad_rows_are_not_created(app):
    report = import_people_csv(csv_text("ada@example.com,Ada,,,,9,,,Haskell:3,"), create_skills=True)
    assert report.new_skills == () and [p.column for p in report.problems] == ["level"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Skill)) == 0


def test_a_row_with_too_many_cells_is_bad(app):
    report = import_people_csv(csv_text("ada@example.com,Ada,extra", header="email,name"))
    assert report.problems == (
        RowProblem(
            2,
            "",
            "This row has 3 cells but the first row names 2 columns; put a cell that holds a comma in double quotes.",
        ),
    )


def test_nothing_is_written_if_writing_fails_halfway(app, make, monkeypatch):
    make.user(email="ada@example.com", name="Ada")
    before = everything()
    calls = []

    def fail_on_second_person(user, kind, wanted):
        calls.append(user)
        if len(calls) == 2:
            raise RuntimeError("the database went away")

    monkeypatch.setattr(importer, "_replace_skills", fail_on_second_person)
    with pytest.raises(RuntimeError):
        import_people_csv(
            csv_text("ada@example.com,Ada L.,Go:3", "tim@example.com,Tim,Rust:2", header="email,name,can_teach"),
            create_skills=True,
        )
    db.session.rollback()  # what the request or command that owns the transaction does
    assert everything() == before


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "The file is empty"),
        ("name,team\nAda,Platform\n", "The first row must name the columns, including email."),
        ("mail,title\n", "including email and name."),
        ("email,name,Email\n", "The column email appears twice."),
        ("email,name\n" + "x" * 200_000 + ",Ada\n", "Row 2 has a cell longer than 131,072 characters"),
        ('email,name\nada@example.com,"Ada\ntim@example.com,Tim\n', 'Row 2 opens a quote (") that is never closed'),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(app, text, message):
    with pytest.raises(InvalidInput) as caught:
        import_people_csv(text)
    assert message in caught.value.fields["file"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_an_unclosed_quote_imports_nothing_not_even_the_rows_before_it(app, make):
    make.user(email="ada@example.com", name="Ada")
    before = everything()
    text = csv_text(
        "ada@example.com,Ada L.",
        "tim@example.com,Tim",
        'bea@example.com,"Bea',
        "cal@example.com,Cal",
        header="email,name",
    )
    with pytest.raises(InvalidInput) as caught:
        import_people_csv(text)
    assert caught.value.fields["file"] == (
        'Row 4 opens a quote (") that is never closed, so the rest of the file would be read as '
        "one cell. Close or remove that quote and import the file again; nothing was imported."
    )
    assert everything() == before
