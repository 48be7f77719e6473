"""A person's data on request: an admin downloads everything Unstuck holds about a person
as one JSON file (on their page or through the API), each download recorded; the command
line exports and erases. The erasure itself is in test_personal_data_erasure.py."""

from __future__ import annotations

import json
import logging

import pytest
import sqlalchemy as sa

from app.auth.models import ApiToken
from app.extensions import db
from app.factory import create_app
from app.mail.models import ReplyAddress
from app.people.models import User
from config import TestConfig
from sessions.models import CalendarFeed
from tests.people.personal_data_requests import LOGGER, as_admin, download, fresh
from tests.people.personal_data_scene import NINAS_REPLY
from tests.security.access_scene import database_state

# Export


def test_an_admin_downloads_everything_about_a_person_as_one_json_file(app, s):
    nina, words = s.people["new_hire"], s.words
    response = download(as_admin(app, s), nina)

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"person-{nina.id}" in disposition
    document = response.get_json()
    assert document["person_id"] == nina.id
    # Her questions as kept, the earlier answered one each repeats (if any) included.
    questions = document["sections"]["help"]["questions"]
    assert questions and all("repeat_of_id" in question for question in questions)
    text = response.get_data(as_text=True)
    for hers in (
        nina.email,
        words.new_hire,
        words.goal,
        words.stuck,
        words.answered_goal,
        words.rating_note,
        words.task_title,
        words.task_missing,
        words.task_helped_note,
        words.checkin_change,
        words.learning,
        words.team,
        words.token_name,
        NINAS_REPLY,
    ):
        assert hers in text, hers
    [her_row] = [u for u in document["sections"]["person"]["users"] if u["id"] == nina.id]
    assert (her_row["work_days"], her_row["holiday_country"], her_row["holiday_region"]) == ("0,1,2,3", "DE", "BY")
    # Her secrets stay out: the password's hash, token and feed secrets, reply address keys.
    assert nina.password_hash not in text
    secrets_ = [t.token_hash for t in db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == nina.id))]
    secrets_ += [f.token for f in db.session.scalars(sa.select(CalendarFeed).where(CalendarFeed.user_id == nina.id))]
    secrets_ += [a.key for a in db.session.scalars(sa.select(ReplyAddress).where(ReplyAddress.user_id == nina.id))]
    assert secrets_ and not [secret for secret in secrets_ if secret in text]
    # Who rated her question's clarity, and how, stays out: she may see only an average of several.
    clarity = [row for section in document["sections"].values() for row in section.get("question_clarity_ratings", [])]
    assert clarity and all("mentor_id" not in row and "score" not in row for row in clarity)


def test_each_download_is_recorded_for_admins_and_logged(app, s, caplog):
    nina, ada = s.people["new_hire"], s.people["admin"]
    admin = as_admin(app, s)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert download(admin, nina).status_code == 200
    [record] = [r for r in caplog.records if r.name == LOGGER]
    assert record.levelno == logging.WARNING
    line = record.getMessage()
    assert f"person {nina.id}" in line and f"user {ada.id}" in line and ada.email in line
    assert nina.email not in line and s.words.new_hire not in line  # the log outlives an erasure
    page = admin.get(f"/admin/people/{nina.id}").get_data(as_text=True)
    assert "Exported" in page and s.words.admin in page


def test_the_api_gives_admins_the_same_document_and_nobody_else_anything(app, client, s):
    nina = s.people["new_hire"]
    response = client.get(f"/api/v1/people/{nina.id}/export", headers=s.api_headers("admin"))
    assert response.status_code == 200
    assert response.json["person_id"] == nina.id
    web = download(as_admin(app, s), nina).get_json()
    # The same but for the record of this download, and the token's last use.
    assert {name: rows for name, rows in response.json["sections"].items() if name != "person"} == {
        name: rows for name, rows in web["sections"].items() if name != "person"
    }
    assert response.json["sections"]["person"]["users"] == web["sections"]["person"]["users"]
    for role in ("new_hire", "mentor", "lead"):
        refused = client.get(f"/api/v1/people/{nina.id}/export", headers=s.api_headers(role))
        assert refused.status_code == 403 and refused.json["error"]
    assert client.get("/api/v1/people/999999/export", headers=s.api_headers("admin")).status_code == 404


def test_a_download_is_a_form_post_with_its_csrf_token(app, s):
    admin = as_admin(app, s)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = download(admin, s.people["new_hire"])
        assert refused.status_code == 400
        assert b"Exported" not in admin.get(f"/admin/people/{s.people['new_hire'].id}").data
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# The command line


def test_the_command_line_exports_and_erases_and_says_so(app, s, tmp_path):
    nina = s.people["new_hire"]
    runner = app.test_cli_runner()
    written = tmp_path / "nina.json"
    result = runner.invoke(args=["people", "export", str(nina.id), "--output", str(written)])
    assert result.exit_code == 0, result.output
    assert json.loads(written.read_text())["sections"]["help"]["questions"][0]["goal"] == s.words.goal
    refused = runner.invoke(args=["people", "erase", str(nina.id), "--confirm", "nobody@example.com"])
    assert refused.exit_code == 1 and "--confirm" in refused.output
    assert fresh(User, nina.id).erased_at is None
    result = runner.invoke(args=["people", "erase", str(nina.id), "--confirm", nina.email])
    assert result.exit_code == 0, result.output
    assert f"Former member {nina.id}" in result.output
    page = as_admin(app, s).get(f"/admin/people/{nina.id}").get_data(as_text=True)
    assert "Exported by the command line" in page and "Erased by the command line" in page


def test_the_last_active_admin_is_not_erased(app, make):
    ada = make.admin(name="Ada Admin", email="ada@example.com")
    make.admin(name="Old Admin", email="old@example.com", active=False)
    runner = app.test_cli_runner()
    before = database_state()
    result = runner.invoke(args=["people", "erase", str(ada.id), "--confirm", ada.email])
    assert result.exit_code == 1
    assert "Ada Admin is the last active admin" in result.output
    assert database_state() == before
    make.admin(name="New Admin", email="new@example.com")
    assert runner.invoke(args=["people", "erase", str(ada.id), "--confirm", ada.email]).exit_code == 0
    assert fresh(User, ada.id).erased_at is not None


def test_an_unknown_erasure_texts_setting_stops_the_start():
    with pytest.raises(ValueError, match="ERASURE_TEXTS must be one of keep, remove"):
        create_app(TestConfig, ERASURE_TEXTS="delete")
