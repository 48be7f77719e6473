"""Importing people from CSV through `flask people import` and the admin upload page."""

import io

import pytest
import sqlalchemy as sa
from markupsafe import escape

from app.extensions import db
from app.people.models import Role, User
from tests.people.import_files import csv_text, person

NUL_IN_LINE_3 = (
    "Line 3 holds a NUL character (\\0), which Unstuck cannot keep; remove it and import the "
    "file again. Nothing was imported."
)


# The command line


def test_the_command_imports_a_file_and_prints_the_report(app, tmp_path, platform):
    path = tmp_path / "people.csv"
    path.write_text(csv_text("ada@example.com,Ada,Platform,mentor,,3,UTC,,SQL:3,"), encoding="utf-8-sig")
    result = app.test_cli_runner().invoke(args=["people", "import", "--create-skills", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "1 created, 0 updated.",
        "New skills created (merge any duplicates into an existing skill): SQL",
    ]
    db.session.rollback()  # what the command committed stays
    assert person("ada@example.com").team == platform


def test_the_command_refuses_unknown_skills_without_the_flag(app, tmp_path, make):
    make.skill("PostgreSQL", aliases=["postgres"])
    path = tmp_path / "people.csv"
    path.write_text(csv_text("ada@example.com,Ada,POSTGRES:3;Rust:2", header="email,name,can_teach"))
    result = app.test_cli_runner().invoke(args=["people", "import", str(path)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Nothing was imported: 1 row has problems. Fix them and import the file again.",
        "Row 2, can_teach: Unknown skill 'Rust' — run the import again with --create-skills to add it.",
    ]
    db.session.rollback()
    assert person("ada@example.com") is None


def test_the_command_exits_with_1_and_lists_the_bad_rows(app, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(csv_text("ada@example.com,Ada,,,,,,,,", "tim@example.com,Tim,,,,,Mars/Base,,,"))
    result = app.test_cli_runner().invoke(args=["people", "import", str(path)])
    assert result.exit_code == 1
    assert (
        result.output.splitlines()[0] == "Nothing was imported: 1 row has problems. Fix them and import the file again."
    )
    assert "Row 3, timezone: 'Mars/Base' is not a known time zone" in result.output
    assert person("ada@example.com") is None and person("tim@example.com") is None


@pytest.mark.parametrize(
    "content, message",
    [
        (b"name\nAda\n", "The first row must name the columns, including email."),
        (b"email,name\n\xff\xfe,Ada\n", "The file is not UTF-8 text"),
        (b'email,name\nada@example.com,"Ada\n', 'Row 2 opens a quote (") that is never closed'),
        (b"email,name\nada@example.com,Ada\ntim@example.com,T\x00im\n", NUL_IN_LINE_3),
    ],
)
def test_the_command_refuses_a_file_it_cannot_read(app, tmp_path, content, message):
    path = tmp_path / "people.csv"
    path.write_bytes(content)
    result = app.test_cli_runner().invoke(args=["people", "import", str(path)])
    assert result.exit_code == 1 and message in result.output


# The upload page


def upload(client, content: bytes, filename: str = "people.csv", create_skills: bool = False):
    data: dict = {"file": (io.BytesIO(content), filename)}
    if create_skills:
        data["create_skills"] = "y"
    return client.post("/admin/people/import", data=data, content_type="multipart/form-data")


def shows(response, message: str) -> bool:
    return str(escape(message)) in response.get_data(as_text=True)


def test_an_admin_uploads_a_file_and_sees_the_report(client, make, auth, platform):
    auth.sign_in(make.admin(email="boss@example.com"))
    content = csv_text("ada@example.com,Ada,Platform,,,,,,Elixir:2,", "tim@example.com,Tim,Platform,,,,,,,").encode()
    response = upload(client, content, create_skills=True)
    assert response.status_code == 200
    assert shows(response, "2 created, 0 updated.")
    assert shows(response, "Elixir")
    assert person("ada@example.com").team == platform and person("tim@example.com").team == platform


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "Choose a CSV file to import."),
        (b"\xff\xfe\x00e\x00m", "The file is not UTF-8 text"),
        (b"name\nAda\n", "The first row must name the columns, including email."),
        (b'email,name\nada@example.com,"Ada\ntim@example.com,Tim\n', 'Row 2 opens a quote (") that is never closed'),
        (b"email,name\nada@example.com,Ada\ntim@example.com,T\x00im\n", NUL_IN_LINE_3),
    ],
)
def test_an_upload_that_cannot_be_read_shows_the_form_again(client, make, auth, content, message):
    auth.sign_in(make.admin())
    if content is None:
        response = client.post("/admin/people/import", data={}, content_type="multipart/form-data")
    else:
        response = upload(client, content)
    assert response.status_code == 400 and shows(response, message)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_an_oversized_upload_gets_the_too_large_page(app, client, make, auth):
    auth.sign_in(make.admin())
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = upload(
        client, csv_text(*(f"p{n}@example.com,Person {n}" for n in range(100)), header="email,name").encode()
    )
    assert response.status_code == 413 and shows(response, "That upload is too large.")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_only_admins_may_import(client, make, auth):
    content = csv_text("ada@example.com,Ada", header="email,name").encode()
    assert upload(client, content).status_code == 401
    auth.sign_in(make.user(roles=(Role.LEAD, Role.MENTOR)))
    assert upload(client, content).status_code == 403
    assert person("ada@example.com") is None
