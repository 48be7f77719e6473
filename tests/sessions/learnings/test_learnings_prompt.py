"""The prompt email that asks each invitee for learnings once, the day before."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.mail.addresses import reply_address
from app.people.models import User
from app.times import day_name
from sessions.jobs import upkeep
from sessions.learnings.prompt import LEARNINGS_PURPOSE, send_due_prompts
from sessions.models import SeriesMember, SessionSeries
from sessions.series import services
from tests.sessions.learnings.scene import prompts, text_of, to

# -- the prompt ------------------------------------------------------------------------------------


def test_each_invitee_is_prompted_once_a_day_before(s, smtp, jobs):
    start = s.start()
    assert send_due_prompts(start - timedelta(hours=25)) == 0  # not yet
    assert send_due_prompts(start - timedelta(hours=23)) == 3
    assert send_due_prompts(start - timedelta(hours=22)) == 0  # once
    jobs.run()

    mails = prompts(smtp)
    assert sorted(to(m) for m in mails) == ["ana@example.com", "bo@example.com", "lea@example.com"]
    week = s.week()
    assert week.prompted_at is not None
    link = f"http://localhost{s.url()}"
    for mail in mails:
        assert mail["Subject"] == f"Your learnings for What did we learn? ({day_name(s.day)})"
        person = db.session.scalar(sa.select(User).where(User.email == to(mail)))
        assert mail["Reply-To"] == reply_address(LEARNINGS_PURPOSE, week.id, person.id)
        text = text_of(mail)
        assert link in text and link in mail.get_body(("html",)).get_content()
        assert "Learned: ...\nWant to learn: ...\nStuck on: ..." in text
        assert "anonymous" in text and "hidden from everyone else until the session starts" in text
    [to_bo] = [m for m in mails if to(m) == "bo@example.com"]
    assert "(America/New_York)" in text_of(to_bo)


def test_running_the_prompts_twice_at_once_sends_each_mail_once(s, smtp, jobs):
    start = s.start()
    send_due_prompts(start - timedelta(hours=23))
    week = s.week()
    week.prompted_at = None  # as if a second run had read the week before the first committed
    db.session.commit()
    send_due_prompts(start - timedelta(hours=23))
    jobs.run()
    assert len(prompts(smtp)) == 3


def test_no_prompt_for_a_skipped_week_or_to_someone_who_left(s, smtp, jobs):
    services.skip_week(s.series.id, s.day)
    db.session.commit()
    assert send_due_prompts(s.start() - timedelta(hours=23)) == 0

    services.restore_week(s.series.id, s.day)
    member = db.session.scalar(
        sa.select(SeriesMember).where(SeriesMember.series_id == s.series.id, SeriesMember.user_id == s.bo.id)
    )
    member.left_at = utcnow()
    db.session.commit()
    assert send_due_prompts(s.start() - timedelta(hours=23)) == 2
    jobs.run()
    assert sorted(to(m) for m in prompts(smtp)) == ["ana@example.com", "lea@example.com"]


def test_no_prompt_for_a_cancelled_series_or_a_started_session(s):
    s.week().started_at = utcnow()
    db.session.commit()
    assert send_due_prompts(s.start() - timedelta(hours=1)) == 0
    services.cancel_series(s.series.id)
    db.session.commit()
    assert send_due_prompts(s.start() + timedelta(weeks=1) - timedelta(hours=1)) == 0


def test_the_sessions_beat_sends_due_prompts(s, smtp, jobs):
    db.session.get(SessionSeries, s.series.id).prompt_hours = 72  # the coming session is due
    db.session.commit()
    upkeep()
    jobs.run()
    assert len(prompts(smtp)) == 3
    upkeep()
    jobs.run()
    assert len(prompts(smtp)) == 3
