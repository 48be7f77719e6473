"""Aggregates people read again and again change only in steps of at least three new
ratings, so that reading one before and after a rating never reveals it: the asker's
clarity, and the dashboard's task ratings and check-in scores over any period."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.help import thread
from app.people.models import Role
from feedback.checkins import answer_checkin
from feedback.metrics import NOT_ENOUGH_RESPONSES
from feedback.models import Checkin, Side, TaskFeedback, TimeTaken
from matching.models import Mentorship, MentorshipState
from tests.feedback.dashboard_world import Tables, section, text
from tests.help.threads import documented_calls, question, sign_in

# The asker's clarity


@pytest.fixture
def asked(make):
    """Nina and six mentors, each of whom answered one of her questions."""
    nina = make.user(name="Nina New", password=None)
    mentors = [make.mentor(name=f"Mentor {n}", password=None) for n in range(1, 7)]
    questions = []
    for mentor in mentors:
        q = question(nina, [mentor], goal=f"Question for {mentor.name}", live=False)
        thread.post_answer(q.id, mentor.id, "Try this.")
        questions.append(q)
    return nina, mentors, questions


def test_the_askers_clarity_changes_only_once_three_new_ratings_have_come(client, auth, asked):
    nina, mentors, questions = asked
    call = documented_calls(client, "/api/v1/feedback")

    def rate(n: int, score: int) -> None:
        call(mentors[n], "POST", f"/questions/{questions[n].id}/clarity", {"score": score}, 200)

    def shown() -> dict:
        return call(nina, "GET", "/clarity", status=200).get_json()

    for n, score in enumerate((5, 4, 3)):
        rate(n, score)
    first = shown()
    assert (first["shown"], first["responses"], first["mean"]) == (True, 3, 4.0)
    assert "counts" not in first  # how many of each score would single out a rating
    sign_in(auth, nina)

    def read_on_the_page() -> str:
        return " ".join(re.sub(r"<[^>]+>", " ", section(text(client.get("/feedback/")), "clarity")).split())

    assert "4.0 of 5, over 3 ratings" in read_on_the_page()

    rate(3, 1)  # a fourth rating: what Nina reads does not move
    assert shown() == first
    rate(0, 1)  # a mentor changes theirs: no new rating, no change either
    assert shown() == first
    rate(4, 2)
    assert shown() == first and "4.0 of 5, over 3 ratings" in read_on_the_page()
    rate(5, 2)  # three new ratings since what Nina last read: now it moves, with every change
    after = shown()
    assert (after["responses"], after["mean"]) == (6, round((1 + 4 + 3 + 1 + 2 + 2) / 6, 2))


# The dashboard


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 10, day, hour, tzinfo=UTC)


@pytest.fixture
def team(make):
    lena = make.user(name="Lena Lead", roles=(Role.LEAD,), timezone="UTC")
    payments = make.team(name="Payments", lead=lena)
    lena.team = payments
    nina = make.user(name="Nina New", team=payments, timezone="UTC")
    mia = make.mentor(name="Mia Mentor", team=payments, timezone="UTC")
    db.session.commit()
    return dict(lena=lena, payments=payments, nina=nina, mia=mia)


def feedback_figures(client, first: int, last: int) -> dict[str, list[str]]:
    page = text(client.get(f"/feedback/dashboard?period=range&first=2026-10-{first:02d}&last=2026-10-{last:02d}"))
    table = Tables(page).tables["feedback"]
    counted = " ".join(section(page, "feedback").split()).split("This period: ")[1].split(".")[0]
    return {row[0]: row[1] for row in table[1:]} | {"counted": counted}


TASKS = "Task feedback: how it went"
CHECKINS = "Check-ins: is the mentorship useful"


def test_no_two_periods_on_the_dashboard_differ_by_fewer_than_three_task_ratings(client, auth, team):
    def task(day: int, rating: int) -> None:
        db.session.add(
            TaskFeedback(
                author_id=team["nina"].id,
                team_id=team["payments"].id,
                title="A task",
                rating=rating,
                time_taken=TimeTaken.MORE,
                created_at=at(day),
            )
        )
        db.session.commit()

    for day, rating in ((5, 5), (6, 4), (7, 3), (8, 1)):
        task(day, rating)
    sign_in(auth, team["lena"])
    three, four = feedback_figures(client, 1, 7), feedback_figures(client, 1, 8)
    assert three[TASKS] == "4 of 5" and "3 task-feedback ratings" in three["counted"]
    assert four == three  # the fourth rating, on 8 October, is not to be read off the difference
    assert feedback_figures(client, 8, 8)[TASKS] == NOT_ENOUGH_RESPONSES

    task(9, 2)
    assert feedback_figures(client, 1, 9) == three
    task(10, 2)  # a second group of three is complete on 10 October
    six = feedback_figures(client, 1, 10)
    assert six[TASKS] == "2.83 of 5" and "6 task-feedback ratings" in six["counted"]
    assert feedback_figures(client, 8, 10)[TASKS] == "1.67 of 5"  # the three of 8 to 10 October
    assert feedback_figures(client, 9, 10)[TASKS] == "1.67 of 5"  # counted when their group was complete


def test_check_in_scores_move_in_threes_and_a_changed_answer_does_not_move_them(client, auth, team, make):
    nina, mia = team["nina"], team["mia"]
    hires = [nina] + [make.user(name=f"Hire {n}", team=team["payments"], timezone="UTC") for n in range(3)]
    checkins = []
    for n, hire in enumerate(hires):
        ship = Mentorship(
            new_hire_id=hire.id,
            mentor_id=mia.id,
            state=MentorshipState.ACTIVE,
            proposed_at=at(1),
            expires_at=at(4),
            started_at=at(1),
            decided_at=at(1),
            reasons=[],
        )
        db.session.add(ship)
        db.session.flush()
        checkin = Checkin(
            mentorship_id=ship.id,
            user_id=hire.id,
            side=Side.NEW_HIRE,
            round=1,
            team_id=team["payments"].id,
            sent_at=at(5 + n),
        )
        db.session.add(checkin)
        checkins.append(checkin)
    db.session.commit()

    def answer(n: int, score: int, day: int) -> None:
        answer_checkin(checkins[n].id, hires[n].id, score, "")
        db.session.get(Checkin, checkins[n].id).first_answered_at = at(day)  # as if answered that day
        db.session.commit()

    for n, (score, day) in enumerate(((5, 5), (4, 6), (3, 7), (1, 8))):
        answer(n, score, day)
    sign_in(auth, team["lena"])
    before = feedback_figures(client, 1, 31)
    assert before[CHECKINS] == "4 of 5" and "3 check-in answers" in before["counted"]
    assert feedback_figures(client, 1, 8) == feedback_figures(client, 1, 7) == before
    answer_checkin(checkins[0].id, nina.id, 1, "Changed my mind")  # a changed answer moves nothing
    assert feedback_figures(client, 1, 31) == before
    assert db.session.get(Checkin, checkins[0].id).score == 1  # though it is kept, for the admins
