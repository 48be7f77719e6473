"""Who reads task feedback: the writer decides, per entry, whether the team may read it at
the weekly session (on the web form, the mailed link's form and the API; no by default);
the lead reads the words without a rating or an exact time beside them, and without the
title of a task about a question the lead may not read."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from app.extensions import db, utcnow
from app.help.models import Question, QuestionState, Visibility
from feedback.links import task_link
from feedback.models import TaskFeedback, TimeTaken
from tests.api.test_openapi import DOC_URL
from tests.feedback.dashboard_world import OCTOBER, at, section, text, world  # noqa: F401  (fixture)
from tests.feedback.test_task_feedback import GOOD, page, path, people, resolved, saved  # noqa: F401
from tests.help.threads import api_headers, sign_in

SHARING = "Share with the team at the weekly session"


def test_the_form_says_what_sharing_means_and_shares_nothing_unless_asked(client, auth, people):
    nina, _ = people
    sign_in(auth, nina)
    form = page(client.get("/feedback/tasks/new"))
    assert SHARING in form
    assert not re.search(r'<input[^>]*checked[^>]*name="shared"|<input[^>]*name="shared"[^>]*checked', form)
    # The promise says exactly who reads what.
    assert "Your lead reads what you write without your name" in form
    assert "never a single rating" in form and "the week you sent it" in form
    assert "everyone invited to the team's weekly session reads it there once the session starts" in form

    client.post("/feedback/tasks/new", data=GOOD)
    client.post("/feedback/tasks/new", data={**GOOD, "request_key": "key-2", "shared": "y"})
    assert [f.shared for f in saved()] == [False, True]
    mine = page(client.get("/feedback/tasks"))
    assert "Shared with the team" in mine


def test_the_mailed_links_form_offers_the_same_choice(client, people, resolved):
    nina, _ = people
    url = path(task_link(resolved.id, nina.id))
    assert SHARING in page(client.get(url))
    assert client.post(url, data={**GOOD, "shared": "y"}).status_code == 200
    [feedback] = saved()
    assert (feedback.shared, feedback.via) == (True, "email")


def test_the_api_takes_the_choice_documents_it_and_refuses_anything_but_true_or_false(client, people):
    nina, _ = people
    headers = api_headers(nina)
    body = {"title": "Add VAT to invoices", "rating": 4, "time_taken": "more"}
    plain = client.post("/api/v1/feedback/tasks", json=body, headers=headers)
    assert plain.status_code == 201 and plain.get_json()["shared"] is False
    shared = client.post("/api/v1/feedback/tasks", json={**body, "shared": True}, headers=headers)
    assert shared.status_code == 201 and shared.get_json()["shared"] is True
    wrong = client.post("/api/v1/feedback/tasks", json={**body, "shared": "yes"}, headers=headers)
    assert wrong.status_code == 422 and "shared" in wrong.get_json()["error"]["fields"]
    assert [f.shared for f in saved()] == [False, True]

    schemas = client.get(DOC_URL).get_json()["components"]["schemas"]
    described = schemas["TaskFeedbackIn"]["properties"]["shared"]
    assert described["type"] == "boolean" and "weekly session" in described["description"]
    assert "shared" in schemas["TaskFeedback"]["required"]


def comment_lines(page_text: str) -> list[str]:
    words = section(page_text, "comments")
    return [" ".join(re.sub(r"<[^>]+>", " ", li).split()) for li in re.findall(r"<li>.*?</li>", words, re.S)]


def test_the_leads_words_carry_no_rating_and_no_exact_time(client, auth, world):
    sign_in(auth, world["lena"])
    lines = comment_lines(text(client.get(OCTOBER)))
    vat = next(line for line in lines if "Nobody told me about the VPN" in line)
    assert "rated" not in vat and not re.search(r"\d of 5", vat)
    assert "Week of 5 October 2026" in vat  # written on 11 October, a Sunday
    assert not re.search(r"\d\d:\d\d", " ".join(lines))  # no time of day beside any text

    exported = client.get(
        f"/feedback/dashboard/export/comments.csv?team={world['payments'].id}&period=month&at=2026-10-15"
    )
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    assert rows[0] == ["Week", "Kind", "About", "Text", "Signed by"]
    vpn = next(row for row in rows if row[3] == "Nobody told me about the VPN")
    assert vpn[0] == "2026-10-05" and vpn[4] == ""


def test_words_in_one_week_are_not_listed_in_the_order_they_came(client, auth, world):
    payments, nina = world["payments"], world["nina"]
    for day, words in ((13, "Zebra crossing wanted"), (14, "Apples were missing")):
        db.session.add(
            TaskFeedback(
                author_id=nina.id,
                team_id=payments.id,
                title="A task",
                rating=3,
                time_taken=TimeTaken.MORE,
                created_at=at(10, day),
                missing=words,
            )
        )
    db.session.commit()
    sign_in(auth, world["lena"])
    lines = [line for line in comment_lines(text(client.get(OCTOBER))) if "Week of 12 October" in line]
    mine = [
        line.split("Week of 12 October 2026")[1].split()[0]
        for line in lines
        if "were missing" in line or "crossing" in line
    ]
    assert mine == ["Apples", "Zebra"]


def test_a_lead_does_not_read_the_title_of_a_task_about_a_question_they_may_not_read(client, auth, world):
    """Nina asked in Payments and kept the question out of the knowledge base; she then moved
    to Platform and told how the task went: Platform's lead reads her words, not the title."""
    nina, payments, platform = world["nina"], world["payments"], world["platform"]
    kept = Question(
        asker_id=nina.id,
        team_id=payments.id,
        goal="Why does the payroll export fail?",
        stuck="Details",
        state=QuestionState.RESOLVED,
        visibility=Visibility.PRIVATE,
        resolved_at=utcnow() - timedelta(days=3),
    )
    db.session.add(kept)
    db.session.flush()
    nina.team = platform
    db.session.add(
        TaskFeedback(
            author_id=nina.id,
            team_id=platform.id,
            question_id=kept.id,
            title=kept.goal,
            rating=3,
            time_taken=TimeTaken.MORE,
            missing="The export's logs",
        )
    )
    db.session.commit()

    sign_in(auth, world["paul"])
    shown = text(client.get(f"/feedback/dashboard?team={platform.id}&period=week"))
    assert "The export's logs" in shown and kept.goal not in shown
    exported = client.get(f"/feedback/dashboard/export/comments.csv?team={platform.id}&period=week")
    assert "The export's logs" in exported.get_data(as_text=True)
    assert kept.goal not in exported.get_data(as_text=True)
