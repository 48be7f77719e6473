"""Mentorship check-ins: every two weeks both sides of an active mentorship are asked "Is this
useful?" and "Anything to change?", by mail with a link per score and on the web; a side
that says it is not useful twice in a row flags the mentorship for the admins."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.mail.outgoing.unsubscribe import opt_out
from feedback import TOPIC
from feedback.checkins import answer_checkin, send_due_checkins
from feedback.models import Checkin, MentorshipFlag, Side
from feedback.rules import checkin_round, low_in_a_row
from matching.models import Mentorship, MentorshipState
from tests.feedback.seeding import add_mentorship
from tests.help.routing_scenes import mails_to, text_of
from tests.help.threads import sign_in

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


# The pure rules


@pytest.mark.parametrize(
    "days_later, every, expected",
    [
        (0, 14, 0),
        (13.99, 14, 0),
        (14, 14, 1),
        (27, 14, 1),
        (28, 14, 2),
        (100, 14, 7),
        (7, 7, 1),
        (-3, 14, 0),
    ],
)
def test_the_check_in_due_is_the_number_of_whole_beats_since_the_start(days_later, every, expected):
    assert checkin_round(START, START + timedelta(days=days_later), every) == expected


@pytest.mark.parametrize(
    "days_later, fit_check_day, expected",
    [
        (14, 14, 0),
        (16.9, 14, 0),
        (17, 14, 1),  # on the fit check's day the first waits 3 days
        (14, 16, 0),
        (18.9, 16, 0),
        (19, 16, 1),  # a late fit check holds it back as long
        (14, 11.5, 0),
        (14.5, 11.5, 1),  # one that went 2.5 days before: 3 days after it
        (14, 10, 1),
        (14, 18, 1),  # 4 days apart: no wait
        (28, 14, 2),
        (42, 14, 3),  # later rounds keep their beat
    ],
)
def test_a_check_in_waits_a_few_days_after_the_fit_check(days_later, fit_check_day, expected):
    fit_check_at = START + timedelta(days=fit_check_day)
    assert checkin_round(START, START + timedelta(days=days_later), 14, fit_check_at) == expected


@pytest.mark.parametrize(
    "scores, flagged",
    [
        ([], False),
        ([1], False),
        ([2, 2], True),
        ([5, 1, 2], True),
        ([1, 2, 3], False),
        ([2, 3, 1], False),
        ([3, 2], False),
        ([1, 1, 1], True),
    ],
)
def test_two_low_scores_in_a_row_flag(scores, flagged):
    assert low_in_a_row(scores) is flagged


# Sending


def mentorship(new_hire, mentor, days: float, state=MentorshipState.ACTIVE) -> Mentorship:
    """A mentorship that started `days` ago."""
    started = utcnow() - timedelta(days=days)
    m = add_mentorship(
        new_hire,
        mentor,
        state,
        started - timedelta(days=1),  # proposed the day before it started
        decided_at=started,
        started_at=started,
        ends_at=started + timedelta(days=90),
    )
    db.session.commit()
    return m


@pytest.fixture
def pair(make):
    """Nina (a new hire in Payments), mentored by Max for 15 days."""
    team = make.team(name="Payments")
    nina = make.user(name="Nina New", team=team, password=None)
    max_ = make.mentor(name="Max Mentor", password=None)
    m = mentorship(nina, max_, 15)
    return nina, max_, m


def checkins_of(m: Mentorship) -> list[Checkin]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Checkin).where(Checkin.mentorship_id == m.id).order_by(Checkin.round, Checkin.side)
        )
    )


def score_links(mail) -> dict[int, str]:
    return {
        int(n): url.removeprefix("http://localhost")
        for n, url in re.findall(r"^(\d): (http://\S+)", text_of(mail), re.M)
    }


def test_due_check_ins_go_to_both_sides_once(app, pair, make, jobs, smtp):
    nina, max_, m = pair
    omar, olga = make.user(name="Omar", password=None), make.mentor(name="Olga", password=None)
    young = mentorship(omar, olga, 10)
    lea = make.user(name="Lea", password=None)
    long_running = mentorship(lea, make.mentor(name="Lars", password=None), 45)
    opt_out(lea.id, TOPIC)  # she gets no mail, but her check-in is there to answer on the web
    db.session.commit()
    mentorship(
        make.user(name="Ed", password=None), make.mentor(name="Eve", password=None), 30, state=MentorshipState.ENDED
    )

    assert send_due_checkins() == 4
    assert send_due_checkins() == 0  # already made: nothing new
    assert [(c.side, c.round, c.team_id) for c in checkins_of(m)] == [
        (Side.MENTOR, 1, nina.team_id),
        (Side.NEW_HIRE, 1, nina.team_id),
    ]
    assert [c.round for c in checkins_of(long_running)] == [3, 3]  # only the one due now, not a pile
    assert checkins_of(young) == []

    jobs.run()
    [to_nina] = mails_to(smtp, nina)
    [to_max] = mails_to(smtp, max_)
    assert to_nina["Subject"] == "Two questions about your mentorship with Max Mentor"
    assert to_max["Subject"] == "Two questions about your mentorship with Nina New"
    assert sorted(score_links(to_nina)) == [1, 2, 3, 4, 5]
    assert "Anything to change?" in text_of(to_nina)
    assert mails_to(smtp, lea) == []

    app.config["CHECKIN_DAYS"] = 7  # a shorter beat: the 10-day-old mentorship is due
    assert send_due_checkins() >= 2
    assert {c.round for c in checkins_of(young)} == {1}


def test_the_first_check_in_waits_until_a_few_days_after_the_fit_check(pair, jobs, smtp):
    nina, max_, m = pair  # started 15 days ago: the first check-in fell due yesterday
    m.fit_check_due_at = m.fit_check_sent_at = m.started_at + timedelta(days=14)  # so did the fit check
    db.session.commit()

    assert send_due_checkins() == 0
    assert send_due_checkins(utcnow() + timedelta(days=1, hours=23)) == 0  # 2 days 23 h after it
    assert send_due_checkins(utcnow() + timedelta(days=2, minutes=1)) == 2  # 3 days after it
    assert [c.round for c in checkins_of(m)] == [1, 1]
    jobs.run()
    assert len(mails_to(smtp, nina)) == len(mails_to(smtp, max_)) == 1


def test_a_score_link_opens_the_check_in_with_the_score_chosen_and_works_once(client, pair, jobs, smtp):
    nina, _, m = pair
    send_due_checkins()
    jobs.run()
    links = score_links(mails_to(smtp, nina)[0])

    for _ in range(2):  # a scanner, then the person: opening saves nothing
        opened = client.get(links[2])
        assert opened.status_code == 200
    text = html.unescape(opened.get_data(as_text=True))
    assert "Your mentorship with Max Mentor" in text
    assert re.search(r'<input checked[^>]*value="2"', text)
    assert [c.score for c in checkins_of(m)] == [None, None]

    wrong = client.post(links[2], data={"score": "7", "change": "More time"})
    assert wrong.status_code == 400 and "from 1 (not at all) to 5 (very)" in html.unescape(wrong.get_data(as_text=True))
    assert [c.score for c in checkins_of(m)] == [None, None]

    done = client.post(links[2], data={"score": "2", "change": "Could we meet weekly?"})
    assert done.status_code == 200
    mine = next(c for c in checkins_of(m) if c.user_id == nina.id)
    assert (mine.score, mine.change, mine.via) == (2, "Could we meet weekly?", "email")
    assert mine.answered_at is not None
    assert client.post(links[4], data={"score": "4"}).status_code == 410  # one check-in, one use
    assert mine.score == 2


def test_a_side_low_twice_in_a_row_flags_the_mentorship_for_the_admins(client, auth, pair, make):
    nina, max_, m = pair
    admin = make.admin(name="Ada Admin", password=None)
    send_due_checkins()
    first = {c.side: c for c in checkins_of(m)}
    answer_checkin(first[Side.NEW_HIRE].id, nina.id, 2, "Meetings keep moving")
    answer_checkin(first[Side.MENTOR].id, max_.id, 1)  # each side low once: no flag yet
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MentorshipFlag)) == 0

    send_due_checkins(now=utcnow() + timedelta(days=14))
    second = {c.side: c for c in checkins_of(m) if c.round == 2}
    answer_checkin(second[Side.MENTOR].id, max_.id, 4)
    answer_checkin(second[Side.NEW_HIRE].id, nina.id, 1)
    answer_checkin(second[Side.NEW_HIRE].id, nina.id, 2, "changed my mind a little")  # still low: one flag
    [flag] = db.session.scalars(sa.select(MentorshipFlag)).all()
    assert (flag.mentorship_id, flag.side, flag.cleared_at) == (m.id, Side.NEW_HIRE, None)

    sign_in(auth, nina)
    assert client.get("/feedback/flags").status_code == 403
    auth.sign_out()
    sign_in(auth, admin)
    text = html.unescape(client.get("/feedback/flags").get_data(as_text=True))
    assert "Max Mentor mentoring Nina New" in text
    assert "The new hire rated it 2 or less out of 5 in two check-ins in a row." in text
    assert "Meetings keep moving" not in text  # the flag, not the words

    assert client.post(f"/feedback/flags/{flag.id}/clear").status_code == 302
    assert "No mentorship is flagged." in client.get("/feedback/flags").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(MentorshipFlag, flag.id).cleared_by_id == admin.id
    assert client.post("/feedback/flags/999999/clear").status_code == 404


def test_the_web_page_answers_and_changes_ones_own_latest_check_in_only(client, auth, pair, make):
    nina, max_, m = pair
    omar = make.user(name="Omar", password=None)
    send_due_checkins()
    mine = next(c for c in checkins_of(m) if c.user_id == nina.id)
    theirs = next(c for c in checkins_of(m) if c.user_id == max_.id)
    sign_in(auth, nina)
    assert "Your mentorship with Max Mentor" in html.unescape(client.get("/feedback/checkins").get_data(as_text=True))
    assert "Check-ins waiting for you" in client.get("/feedback/").get_data(as_text=True)

    form = f"c{mine.id}-"
    for data, message in [
        ({"score": "0"}, "from 1 (not at all) to 5 (very)"),
        ({"score": "3", "change": "z" * 1001}, "under 1,000 characters (this has 1,001)"),
    ]:
        response = client.post(f"/feedback/checkins/{mine.id}", data={form + k: v for k, v in data.items()})
        assert response.status_code == 400 and message in html.unescape(response.get_data(as_text=True))
    assert checkins_of(m)[1].score is None

    client.post(f"/feedback/checkins/{mine.id}", data={form + "score": "5", form + "change": ""})
    client.post(f"/feedback/checkins/{mine.id}", data={form + "score": "4", form + "change": "All good"})
    answered = next(c for c in checkins_of(m) if c.user_id == nina.id)
    assert (answered.score, answered.change, answered.via) == (4, "All good", "web")

    # Someone else's check-in, by changing the id: as if there were none.
    assert client.post(f"/feedback/checkins/{theirs.id}", data={f"c{theirs.id}-score": "1"}).status_code == 404
    assert next(c for c in checkins_of(m) if c.user_id == max_.id).score is None

    # A newer check-in closes the older one; an ended mentorship closes them all.
    send_due_checkins(now=utcnow() + timedelta(days=14))
    response = client.post(f"/feedback/checkins/{mine.id}", data={form + "score": "1"}, follow_redirects=True)
    assert "A newer check-in has been sent since" in html.unescape(response.get_data(as_text=True))
    m.state = MentorshipState.ENDED
    db.session.commit()
    newest = checkins_of(m)[-1]
    response = client.post(f"/feedback/checkins/{newest.id}", data={f"c{newest.id}-score": "1"}, follow_redirects=True)
    assert "This mentorship is ended, so its check-ins are closed." in html.unescape(response.get_data(as_text=True))
    assert [c.score for c in checkins_of(m) if c.user_id == nina.id] == [4, None]
    auth.sign_out()  # Omar has no check-ins and sees none
    sign_in(auth, omar)
    assert "No check-ins for now." in client.get("/feedback/checkins").get_data(as_text=True)
