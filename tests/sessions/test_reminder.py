"""The reminder shortly before each weekly session: every member still invited is told once
(by email here, with a link to the session's page), and the team's chat once; never for a
skipped or started week or a cancelled series, nor to people who left."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from sessions.jobs import upkeep
from sessions.models import SeriesMember, SessionSeries
from sessions.series import services
from sessions.series.reminder import send_due_reminders
from tests.sessions.learnings.scene import Scene, make_scene, text_of, to


class TeamChat:
    """A chat channel as Slack's or Teams' would register: it reaches no one in person here,
    and posts to every team; what it was given is kept."""

    name, title = "teamchat", "Team chat"

    def __init__(self):
        self.team_posts: list = []

    def reaches(self, person) -> bool:
        return False

    def holds(self, person_id: int, thread: str) -> bool:
        return False

    def send(self, person, notice) -> None:
        raise AssertionError("it reaches no one in person")

    def send_team(self, team, notice) -> bool:
        self.team_posts.append((team.id, notice))
        return True

    def revise(self, key, card) -> None:
        return None


@pytest.fixture
def s(make) -> Scene:
    return make_scene(make)


@pytest.fixture
def chat(app, monkeypatch) -> TeamChat:
    channel = TeamChat()
    monkeypatch.setitem(app.extensions.setdefault("notice_channels", {}), channel.name, channel)
    return channel


def reminders(smtp) -> list:
    return [m for m in smtp.messages() if m["Subject"] == "What did we learn? starts in 15 minutes"]


def test_each_invitee_and_the_team_are_reminded_once_shortly_before(s, smtp, jobs, chat):
    start = s.start()
    assert send_due_reminders(start - timedelta(minutes=16)) == 0  # not yet
    assert send_due_reminders(start - timedelta(minutes=14)) == 3
    assert send_due_reminders(start - timedelta(minutes=10)) == 0  # once
    jobs.run()

    mails = reminders(smtp)
    assert sorted(to(m) for m in mails) == ["ana@example.com", "bo@example.com", "lea@example.com"]
    link = f"http://localhost{s.url()}"
    for mail in mails:
        assert link in text_of(mail) and link in mail.get_body(("html",)).get_content()
        assert "Room Fjord" in text_of(mail)
    assert s.week().reminded_at is not None
    [(team_id, notice)] = chat.team_posts
    assert team_id == s.team.id and notice.topic == "sessions"
    assert notice.card.title == "What did we learn? starts in 15 minutes" and notice.card.link == link
    assert [b.url for b in notice.card.buttons] == [link]


def test_the_beat_running_twice_reminds_once(s, smtp, jobs, chat, monkeypatch):
    import sessions.jobs

    monkeypatch.setattr(sessions.jobs, "utcnow", lambda: s.start() - timedelta(minutes=5))
    upkeep()
    upkeep()
    jobs.run()

    assert len(reminders(smtp)) == 3
    told = [notice.key for _, notice in chat.team_posts if notice.key.startswith("session-reminder:")]
    assert told == [f"session-reminder:{s.week().id}:team"]


def test_no_reminder_for_a_skipped_or_started_week_or_a_cancelled_series(s, chat):
    services.skip_week(s.series.id, s.day)
    db.session.commit()
    assert send_due_reminders(s.start() - timedelta(minutes=5)) == 0

    services.restore_week(s.series.id, s.day)
    s.week().started_at = utcnow()
    db.session.commit()
    assert send_due_reminders(s.start() - timedelta(minutes=5)) == 0

    services.cancel_series(s.series.id)
    db.session.commit()
    assert send_due_reminders(s.start() + timedelta(weeks=1) - timedelta(minutes=5)) == 0
    assert chat.team_posts == []


def test_members_who_left_or_are_inactive_are_not_reminded(s, smtp, jobs):
    member = db.session.scalar(
        sa.select(SeriesMember).where(SeriesMember.series_id == s.series.id, SeriesMember.user_id == s.bo.id)
    )
    member.left_at = utcnow()
    s.ana.active = False
    db.session.commit()

    assert send_due_reminders(s.start() - timedelta(minutes=5)) == 1
    jobs.run()
    assert [to(m) for m in reminders(smtp)] == ["lea@example.com"]


def test_the_lead_sets_how_long_before_the_reminder_goes(s, client, auth, smtp, jobs):
    auth.sign_in(s.lead)
    page = client.get(f"/sessions/{s.series.id}").get_data(as_text=True)
    assert 'name="remind_minutes"' in page and 'value="15"' in page

    response = client.post(
        f"/sessions/{s.series.id}/names",
        data={"shown": "0", "prompt_hours": "24", "remind_minutes": "60"},
        follow_redirects=True,
    )
    assert "reminded 60 minutes before it" in response.get_data(as_text=True)
    assert db.session.get(SessionSeries, s.series.id).remind_minutes == 60
    refused = client.post(
        f"/sessions/{s.series.id}/names", data={"shown": "0", "prompt_hours": "24", "remind_minutes": "0"}
    )
    assert refused.status_code == 400
    db.session.expire_all()
    assert db.session.get(SessionSeries, s.series.id).remind_minutes == 60

    assert send_due_reminders(s.start() - timedelta(minutes=61)) == 0
    assert send_due_reminders(s.start() - timedelta(minutes=59)) == 3
    jobs.run()
    assert {m["Subject"] for m in smtp.messages() if "starts in" in m["Subject"]} == {
        "What did we learn? starts in 60 minutes"
    }


def test_two_runs_at_once_send_each_mail_once(s, smtp, jobs):
    send_due_reminders(s.start() - timedelta(minutes=5))
    week = s.week()
    week.reminded_at = None  # as if a second run had read the week before the first committed
    db.session.commit()
    send_due_reminders(s.start() - timedelta(minutes=5))
    jobs.run()

    assert len(reminders(smtp)) == 3
