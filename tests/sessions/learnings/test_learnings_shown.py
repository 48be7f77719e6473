"""Who sees which learnings when on the week's page, names on and off, who may see the page
at all, and the agenda on it."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.help.models import Question, QuestionState
from sessions.learnings.services import session_of
from sessions.models import ActionItem, SeriesMember, SessionSeries
from sessions.series import services
from tests.sessions.learnings.scene import STUCK, add, learnings, page

# -- who sees what, when ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["bo", "lead"])
def test_entries_stay_hidden_from_everyone_else_until_the_session_starts(client, auth, s, who):
    add(s, "ana", STUCK, "stuck")
    add(s, "ana", "Squash before rebasing.")
    before = page(client, auth, s, who)
    assert STUCK not in before and "Squash before rebasing." not in before
    assert "From others: 2 entries so far." in before

    s.week().started_at = utcnow()  # the lead started the session
    db.session.commit()
    after = page(client, auth, s, who)
    assert STUCK in after and "Squash before rebasing." in after
    assert "From others" not in after


def test_a_past_session_shows_everyones_entries(client, auth, s):
    add(s, "ana", "Learned last week.", day=s.past)
    assert "Learned last week." in page(client, auth, s, "bo", s.past)


@pytest.mark.parametrize("names_shown", [False, True])
def test_names_show_only_when_the_lead_turned_them_on(client, auth, s, names_shown):
    add(s, "ana", "Learned last week.", day=s.past)
    services.set_names_shown(s.series.id, names_shown)
    db.session.commit()
    body = page(client, auth, s, "bo", s.past)
    assert "Learned last week." in body
    assert ('Learned last week. <span class="muted">— Ana Álvarez' in body) is names_shown
    assert ("Ana Álvarez" in body) is names_shown
    assert ("Anonymous: no one sees who wrote what." in body) is not names_shown
    form = page(client, auth, s, "bo")
    assert ("Your name is shown with your entries" in form) is names_shown


# -- who may see the page --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, seen, added",
    [
        ("ana", 200, 302),
        ("lead", 200, 302),
        ("admin", 200, 409),
        ("other_lead", 404, 404),
        ("outsider", 404, 404),
    ],
)
def test_only_invitees_the_lead_and_admins_see_the_week(client, auth, s, who, seen, added):
    auth.sign_in(s.person(who))
    assert client.get(s.url()).status_code == seen
    assert client.post(s.url(), data={"kind": "learned", "text": "Hello."}).status_code == added
    assert len(learnings(s)) == (1 if added == 302 else 0)


def test_someone_who_left_the_team_no_longer_sees_the_week(client, auth, s):
    member = db.session.scalar(
        sa.select(SeriesMember).where(SeriesMember.series_id == s.series.id, SeriesMember.user_id == s.bo.id)
    )
    member.left_at = utcnow()
    db.session.commit()
    auth.sign_in(s.bo)
    assert client.get(s.url()).status_code == 404
    assert client.post(s.url(), data={"kind": "learned", "text": "Hello."}).status_code == 404
    assert learnings(s) == []


def test_signed_out_visitors_are_sent_to_sign_in(client, s):
    response = client.get(s.url())
    assert response.status_code == 302 and "/sign-in" in response.location


@pytest.mark.parametrize("day", ["garbage", "2026-13-01", "20261124", "2026-11-24x", "next-day", "week-later"])
def test_a_day_that_is_no_session_date_is_not_found(client, auth, s, day):
    day = {
        "next-day": (s.day + timedelta(days=1)).isoformat(),
        "week-later": (s.day - timedelta(weeks=52)).isoformat(),
    }.get(day, day)  # before the first
    auth.sign_in(s.ana)
    assert client.get(s.url(day)).status_code == 404
    assert client.post(s.url(day), data={"kind": "learned", "text": "Hello."}).status_code == 404


def test_an_unknown_series_is_not_found(client, auth, s):
    auth.sign_in(s.admin)
    assert client.get(f"/sessions/{s.series.id + 1000}/weeks/{s.day.isoformat()}").status_code == 404


# -- the agenda on the page -------------------------------------------------------------------------


def test_the_week_shows_its_time_in_the_series_zone_and_the_viewers(client, auth, s):
    body = page(client, auth, s, "bo")
    local = session_of(db.session.get(SessionSeries, s.series.id), s.day).start_utc.astimezone(
        ZoneInfo("America/New_York")
    )
    assert "10:00–10:30 (Europe/Berlin)" in body
    assert "In your time zone: " in body and f"{local:%H:%M}–" in body and "(America/New_York)" in body


def test_the_agenda_carries_open_actions_and_counts_answered_questions_by_skill(client, auth, s, make):
    past_week = s.week(s.past)
    db.session.add_all(
        [
            ActionItem(
                series_id=s.series.id,
                week_id=past_week.id,
                text="Pin the wheel cache key",
                owner_id=s.bo.id,
                due_date=s.day - timedelta(days=1),
            ),
            ActionItem(
                series_id=s.series.id,
                week_id=past_week.id,
                text="Already done",
                owner_id=s.ana.id,
                due_date=s.day,
                done_at=utcnow(),
            ),
        ]
    )
    sql = make.skill("SQL")
    db.session.add(
        Question(
            asker_id=s.ana.id,
            team_id=s.team.id,
            goal="Why is the billing migration slow?",
            stuck="Private details of Ana's work.",
            state=QuestionState.ANSWERED,
            first_reply_at=utcnow() - timedelta(hours=1),
            skills=[sql],
        )
    )
    db.session.commit()

    member = page(client, auth, s, "bo")
    assert "Pin the wheel cache key" in member and "Bo Berg · due" in member and "overdue" in member
    assert "Already done" not in member
    assert "<strong>SQL</strong>: 1 question" in member
    assert "Why is the billing migration slow?" not in member  # Bo may not read Ana's question
    assert "Private details" not in member

    lead = page(client, auth, s, "lead")
    assert "Why is the billing migration slow?" in lead  # the lead may read the team's questions
    assert "Private details" not in lead
