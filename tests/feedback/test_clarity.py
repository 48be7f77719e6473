"""Question clarity: a mentor who answered a question may rate how clearly it was asked; the
asker sees only an average over at least three ratings, with a tip on asking better."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.help import thread
from feedback.clarity import rate_clarity
from feedback.models import ClarityRating
from feedback.rules import CLARITY_TIPS, clarity_due, clarity_shown, clarity_tip
from tests.help.threads import question, scene, sign_in

# The pure rules


@pytest.mark.parametrize(
    "mean, tip", [(5.0, 0), (4.5, 0), (4.49, 1), (3.5, 1), (3.0, 2), (2.5, 2), (2.49, 3), (1.0, 3)]
)
def test_the_tip_follows_the_mean(mean, tip):
    assert clarity_tip(mean) == CLARITY_TIPS[tip][1]


def test_the_aggregate_shows_only_from_three_ratings():
    assert clarity_shown([]) is None and clarity_shown([5, 1]) is None
    shown = clarity_shown([2, 3, 4])
    assert (shown.responses, shown.mean) == (3, 3.0) and not hasattr(shown, "counts")
    assert shown.tip == CLARITY_TIPS[2][1]
    with pytest.raises(ValueError):
        clarity_shown([3, 4, 6])


def test_what_the_asker_reads_is_brought_up_to_date_only_after_three_new_ratings():
    assert [clarity_due(n) for n in range(5)] == [False, False, False, True, True]


# On the web


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def ratings() -> list[tuple[int, int, int]]:
    db.session.expire_all()
    return [
        tuple(r)
        for r in db.session.execute(
            sa.select(ClarityRating.question_id, ClarityRating.mentor_id, ClarityRating.score).order_by(
                ClarityRating.id
            )
        )
    ]


@pytest.fixture
def s(make):
    """Nina's question, answered by Mia; Max was asked first and did not answer."""
    s = scene(make)
    thread.post_answer(s.question.id, s.mentor.id, "Run `flask db upgrade` first.")
    return s


def test_a_mentor_who_answered_rates_clarity_and_can_change_it(s, client, auth):
    sign_in(auth, s.mentor)
    home = page(client.get("/feedback/"))
    assert "Questions you answered" in home and "Run the billing migration" in home and "Rate clarity" in home

    url = f"/feedback/questions/{s.question.id}/clarity"
    form = page(client.get(url))
    assert "How clear was the question?" in form and "Nina New sees only the average" in form

    bad = client.post(url, data={"score": "6"})
    assert bad.status_code == 400 and "from 1 (hard to follow) to 5 (very clear)" in page(bad)
    assert client.post(url, data={"score": ""}).status_code == 400
    assert ratings() == []

    assert client.post(url, data={"score": "4"}).status_code == 302
    assert client.post(url, data={"score": "2"}).status_code == 302
    assert ratings() == [(s.question.id, s.mentor.id, 2)]
    assert "You rated it 2 of 5" in page(client.get(url))


NOBODY_ELSE = [
    ("earlier_mentor", 403),  # asked, but did not answer
    ("asker", 403),
    ("other_new_hire", 404),  # cannot see the question at all
    ("unrelated_mentor", 404),
]


def test_nobody_else_rates_it(s, client, auth):
    url = f"/feedback/questions/{s.question.id}/clarity"
    for who, status in NOBODY_ELSE:
        sign_in(auth, s.person(who))
        assert client.get(url).status_code == status, who
        assert client.post(url, data={"score": "1"}).status_code == status, who
        auth.sign_out()
    assert ratings() == []


def test_the_asker_sees_an_average_and_a_tip_only_from_three_ratings(s, client, auth):
    others = [question(s.asker, [s.mentor], goal=f"Question {n}", live=False) for n in (2, 3)]
    for q in others:
        thread.post_answer(q.id, s.mentor.id, "An answer.")

    rate_clarity(s.question.id, s.mentor.id, 2)
    rate_clarity(others[0].id, s.mentor.id, 3)
    sign_in(auth, s.asker)
    text = page(client.get("/feedback/"))
    assert "once there are at least three ratings" in text and "of 5, over" not in text

    rate_clarity(others[1].id, s.mentor.id, 3)
    text = page(client.get("/feedback/"))
    words = " ".join(re.sub(r"<[^>]+>", "", text).split())
    assert "2.7 of 5, over 3 ratings by the mentors who answered your questions." in words
    assert CLARITY_TIPS[2][1] in text
    assert "Mia Mentor" not in text  # never who rated


def test_the_question_page_offers_the_rating_to_who_may_give_it(s, client, auth):
    thread.resolve(s.question.id, s.asker.id)
    db.session.commit()
    url = f"/help/questions/{s.question.id}"
    for person, clarity, task in [
        (s.mentor, True, False),
        (s.earlier_mentor, False, False),
        (s.asker, False, True),
        (s.lead, False, False),
    ]:
        auth.sign_out()
        sign_in(auth, person)
        shown = page(client.get(url))
        assert ("How clear was this question?" in shown) is clarity, person.name
        assert ("How did the task go?" in shown) is task, person.name
