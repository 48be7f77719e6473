"""The dashboard's tables as CSV downloads, and the admins' raw exports: what is in them,
that typed text never runs as a spreadsheet formula, who may download what, and that every
raw export is logged. The data is test_dashboard's October 2026 of team Payments."""

from __future__ import annotations

import csv
import io
import logging
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from feedback.models import TaskFeedback, TimeTaken
from tests.feedback.dashboard_world import build_world
from tests.help.threads import sign_in

QUERY = "?team={}&period=2026-10"


@pytest.fixture
def world(make):
    return build_world(make)


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))


def export(client, world, table: str, team: str = "payments"):
    return client.get(f"/feedback/dashboard/export/{table}.csv" + QUERY.format(world[team].id))


def raw(client, world, kind: str):
    return client.get(f"/feedback/export/raw/{kind}.csv" + QUERY.format(world["payments"].id))


def test_each_table_of_the_page_downloads_as_csv(client, auth, world):
    sign_in(auth, world["lena"])
    page = client.get("/feedback/dashboard" + QUERY.format(world["payments"].id)).get_data(as_text=True)
    for table in (
        "reply-times",
        "questions",
        "trend",
        "skill-gaps",
        "feedback",
        "mentor-load",
        "mentorships",
        "comments",
    ):
        assert f"/feedback/dashboard/export/{table}.csv?team=" in page, table
        response = export(client, world, table)
        assert response.status_code == 200, table
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"] == f'attachment; filename="payments-2026-10-{table}.csv"'

    assert rows(export(client, world, "questions")) == [
        ["Figure", "Unit", "October 2026", "September 2026", "Change"],
        ["Questions asked", "", "6", "3", "3"],
        ["Resolved", "", "4", "1", "3"],
        ["Escalated to the lead", "", "1", "0", "1"],
        ["Answered from the knowledge base, no mentor asked", "", "2", "1", "1"],
    ]
    replies = rows(export(client, world, "reply-times"))
    assert replies[0] == ["Urgency", "Figure", "Unit", "October 2026", "September 2026", "Change"]
    assert ["All questions", "Median time to first reply", "min", "30.0", "80.0", "-50.0"] in replies
    assert ["All questions", "Answered within the deadline", "%", "66.7", "100.0", "-33.3"] in replies
    assert rows(export(client, world, "feedback"))[3] == [
        "Check-ins: is the mentorship useful",
        "of 5",
        "Not enough responses (fewer than 3)",
        "Not enough responses (fewer than 3)",
        "",
    ]
    assert rows(export(client, world, "mentor-load"))[1] == [
        "Mia Mentor",
        "1",
        "3",
        "0",
        "3",
        "60.0",
        "Not enough responses (fewer than 3)",
    ]


def test_typed_text_is_neutralised_so_a_spreadsheet_does_not_run_it(client, auth, world):
    sign_in(auth, world["lena"])
    gaps = rows(export(client, world, "skill-gaps"))
    assert gaps[0] == [
        "Skill",
        "Questions October 2026",
        "Questions September 2026",
        "Change",
        "A mentor in the team teaches it",
    ]
    assert gaps[1:] == [["SQL", "3", "1", "2", "yes"], ["Kafka", "2", "0", "2", "no"], ["'=cmd()", "1", "0", "1", "no"]]
    comments = rows(export(client, world, "comments"))
    helped = next(row for row in comments if row[1] == "What helped")
    assert helped[3] == '\'=HYPERLINK("http://evil.example","click")'
    # Names only where signed, as on the page; no rating and no moment beside the words.
    assert comments[0] == ["Week", "Kind", "About", "Text", "Signed by"]
    assert sorted(row[4] for row in comments[1:]) == ["", "", "", "Nina New"]


def test_the_page_lists_the_newest_comments_and_the_csv_has_them_all(client, auth, world):
    payments, nina = world["payments"], world["nina"]
    db.session.add_all(
        [
            TaskFeedback(
                author_id=nina.id,
                team_id=payments.id,
                title="A task",
                rating=3,
                time_taken=TimeTaken.AS_EXPECTED,
                missing=f"Missing thing {n}",
                created_at=datetime(2026, 10, 20, tzinfo=UTC) + timedelta(minutes=n),
            )
            for n in range(60)
        ]
    )
    db.session.commit()
    sign_in(auth, world["lena"])
    page = client.get("/feedback/dashboard" + QUERY.format(payments.id)).get_data(as_text=True)
    assert "The 50 newest of 64; the CSV has them all." in page  # 60 and October's 4
    # The newest week first, and in a week by text (not in the order they came): 0, 1, 10 ... 53.
    assert "Missing thing 53<" in page and "Missing thing 10<" in page and "Missing thing 54<" not in page
    assert len(rows(export(client, world, "comments"))) == 1 + 64


@pytest.mark.parametrize(
    ("who", "team", "status"),
    [
        ("paul", "payments", 404),  # another team's lead
        ("nina", "payments", 403),
        ("mia", "payments", 403),
        ("ada", "platform", 200),
    ],
)
def test_exports_follow_the_pages_access_rules(client, auth, world, who, team, status):
    sign_in(auth, world[who])
    response = export(client, world, "comments", team)
    assert response.status_code == status
    if status != 200:
        assert "Content-Disposition" not in response.headers
        assert "A test account" not in response.get_data(as_text=True)


def test_an_unknown_table_or_a_bad_period_is_refused_with_a_reason(client, auth, world):
    sign_in(auth, world["lena"])
    assert client.get("/feedback/dashboard/export/salaries.csv").status_code == 404
    bad = client.get("/feedback/dashboard/export/questions.csv?period=2026-11-20..2026-11-01")
    assert bad.status_code == 400 and "Content-Disposition" not in bad.headers
    assert "ends (2026-11-01) before it starts (2026-11-20)" in bad.get_data(as_text=True)


def test_an_admin_exports_raw_task_feedback_with_names_and_it_is_logged(client, auth, world, caplog):
    sign_in(auth, world["ada"])
    with caplog.at_level(logging.INFO, logger="feedback.exports"):
        response = raw(client, world, "task-feedback")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="payments-2026-10-raw-task-feedback.csv"'
    table = rows(response)
    assert table[0][:5] == ["Id", "Written", "Author", "Author's email", "Task"]
    assert [(row[2], row[7], row[11]) for row in table[1:]] == [  # October's three, oldest first
        ("Nina New", "5", "A test account"),
        ("Nina New", "4", "Nobody told me about the VPN"),
        ("Nina New", "3", ""),
    ]
    assert table[3][10] == '\'=HYPERLINK("http://evil.example","click")'

    [record] = [r for r in caplog.records if r.name == "feedback.exports"]
    line = record.getMessage()
    assert record.levelno >= logging.INFO
    assert "task-feedback" in line and "Payments" in line and "2026-10" in line and "3 rows" in line
    assert f"user {world['ada'].id} <{world['ada'].email}>" in line


def test_raw_check_ins_name_who_answered(client, auth, world, caplog):
    sign_in(auth, world["ada"])
    with caplog.at_level(logging.INFO, logger="feedback.exports"):
        table = rows(raw(client, world, "checkins"))
    assert sorted((row[4], row[10], row[11]) for row in table[1:]) == [
        ("Mia Mentor", "2", ""),
        ("Nina New", "1", "Meet weekly"),
    ]
    assert ["checkins" in r.getMessage() for r in caplog.records if r.name == "feedback.exports"] == [True]


@pytest.mark.parametrize("who", ["lena", "nina", "mia"])
def test_nobody_but_an_admin_gets_a_raw_export_and_nothing_is_exported(client, auth, world, caplog, who):
    sign_in(auth, world[who])
    with caplog.at_level(logging.INFO, logger="feedback.exports"):
        response = raw(client, world, "task-feedback")
    assert response.status_code == 403
    assert "Content-Disposition" not in response.headers
    assert "A test account" not in response.get_data(as_text=True)
    assert not [r for r in caplog.records if r.name == "feedback.exports"]


def test_an_unknown_raw_export_is_not_found_and_not_logged(client, auth, world, caplog):
    sign_in(auth, world["ada"])
    with caplog.at_level(logging.INFO, logger="feedback.exports"):
        assert client.get("/feedback/export/raw/salaries.csv").status_code == 404
    assert not [r for r in caplog.records if r.name == "feedback.exports"]
