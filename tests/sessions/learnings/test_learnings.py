"""Learnings before a session: the week's page (adding, errors, taking back, who sees what
when, names on and off, who may see the page at all), the agenda on it, and the prompt
email that asks for learnings once, the day before."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.help.models import Question, QuestionState
from app.mail.addresses import reply_address
from app.people.models import Role, Team, User
from sessions.series import services
from sessions.learnings.agenda import day_name
from sessions.jobs import upkeep
from sessions.learnings.services import LEARNINGS_PURPOSE, add_learning, send_due_prompts, session_of
from sessions.models import ActionItem, Learning, LearningKind, SeriesMember, SessionSeries, SessionWeek

BERLIN = ZoneInfo("Europe/Berlin")
STUCK = "The CI cache keeps old wheels after a lock file change."


@dataclass
class Scene:
    """The Payments team's weekly series: Lea leads it, Ana and Bo are members; Otto leads
    another team, Olli is in it; Ada is an admin. `day` is the coming session, two days
    from now, and `past` the one a week before it, already held."""

    team: Team
    lead: User
    ana: User
    bo: User
    other_lead: User
    outsider: User
    admin: User
    series: SessionSeries
    day: date
    past: date

    def person(self, who: str) -> User:
        return getattr(self, who)

    def url(self, day: date | str | None = None) -> str:
        day = day or self.day
        return f"/sessions/{self.series.id}/weeks/{day if isinstance(day, str) else day.isoformat()}"

    def week(self, day: date | None = None) -> SessionWeek:
        """The week's row, made when needed, as a lead's action would."""
        row = services.week_row(db.session.get(SessionSeries, self.series.id), day or self.day)
        db.session.commit()
        return row

    def start(self, day: date | None = None) -> datetime:
        return session_of(db.session.get(SessionSeries, self.series.id), day or self.day).start_utc


def make_scene(make) -> Scene:
    team, other = make.team("Payments"), make.team("Platform")
    lead = make.user("Lea Lead", "lea@example.com", roles=(Role.LEAD, Role.MENTOR), team=team)
    other_lead = make.user("Otto Other", "otto@example.com", roles=(Role.LEAD,), team=other)
    team.lead, other.lead = lead, other_lead
    db.session.commit()
    ana = make.user("Ana Álvarez", "ana@example.com", team=team)
    bo = make.user("Bo Berg", "bo@example.com", team=team, timezone="America/New_York")
    outsider = make.user("Olli Outside", "olli@example.com", team=other)
    admin = make.admin(name="Ada Admin", email="ada@example.com")
    day = utcnow().astimezone(BERLIN).date() + timedelta(days=2)
    series_id, _ = services.create_series(team.id, lead.id, services.SeriesFields(
        title="What did we learn?", weekday=day.weekday(), start_time=time(10), duration_minutes=30,
        timezone="Europe/Berlin", first_date=day - timedelta(weeks=3), location="Room Fjord"))
    db.session.commit()
    return Scene(team, lead, ana, bo, other_lead, outsider, admin, db.session.get(SessionSeries, series_id),
                 day, day - timedelta(weeks=1))


@pytest.fixture
def s(make) -> Scene:
    return make_scene(make)


def learnings(s: Scene, day: date | None = None) -> list[Learning]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Learning).join(SessionWeek).where(
        SessionWeek.series_id == s.series.id, SessionWeek.day == (day or s.day)).order_by(Learning.id)))


def add(s: Scene, who: str, text: str, kind: str = "learned", day: date | None = None) -> Learning:
    """A learning saved as the page would save it."""
    learning = add_learning(s.series.id, day or s.day, s.person(who).id, kind, text)
    db.session.commit()
    return learning


def page(client, auth, s: Scene, who: str, day: date | str | None = None) -> str:
    """The week's page as this person sees it."""
    auth.sign_out()
    auth.sign_in(s.person(who))
    response = client.get(s.url(day))
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


# -- adding -------------------------------------------------------------------------------------


def test_a_member_adds_a_learning_and_sees_it_as_their_own(client, auth, s):
    auth.sign_in(s.ana)
    response = client.post(s.url(), data={"kind": "stuck", "text": f"  {STUCK}\n "})
    assert response.status_code == 302 and response.location.endswith(s.url())

    [saved] = learnings(s)
    assert (saved.author_id, saved.kind, saved.text, saved.via) == (s.ana.id, LearningKind.STUCK, STUCK, "web")
    shown = html.unescape(client.get(s.url()).get_data(as_text=True))
    assert "Only you can see it until the session starts." in shown
    assert "Your entries (1)" in shown and f"Where I got stuck</span> {STUCK}" in shown
    assert "Entries are anonymous" in shown and "hidden from everyone else until the session starts" in shown


@pytest.mark.parametrize("data, field_message", [
    ({"kind": "learned", "text": "   "}, "Write a sentence or two."),
    ({"kind": "", "text": "Squash before rebasing."}, "Choose what it is: what you learned, what you want to learn "
                                          "or where you got stuck."),
    ({"kind": "gossip", "text": "Squash before rebasing."}, "Choose what it is"),
    ({"kind": "want", "text": "x" * 501}, "at most 500 characters (this has 501)."),
])
def test_a_wrong_entry_is_refused_with_a_message_and_nothing_is_saved(client, auth, s, data, field_message):
    add(s, "ana", "Squash before rebasing.")
    auth.sign_in(s.ana)
    response = client.post(s.url(), data=data)
    assert response.status_code == 400
    assert field_message in html.unescape(response.get_data(as_text=True))
    assert [x.text for x in learnings(s)] == ["Squash before rebasing."]


def test_an_entry_added_after_the_start_shows_to_everyone_at_once(client, auth, s):
    auth.sign_in(s.ana)
    response = client.post(s.url(s.past), data={"kind": "learned", "text": "Late, but here."},
                           follow_redirects=True)
    assert "Added. Everyone at the session can see it now." in response.get_data(as_text=True)
    assert "Late, but here." in page(client, auth, s, "bo", s.past)


def test_500_characters_are_enough(client, auth, s):
    auth.sign_in(s.ana)
    assert client.post(s.url(), data={"kind": "want", "text": "y" * 500}).status_code == 302
    assert [len(x.text) for x in learnings(s)] == [500]


def test_user_text_is_escaped(client, auth, s):
    add(s, "ana", "<script>alert('x')</script> is not run")
    auth.sign_in(s.ana)
    body = client.get(s.url()).get_data(as_text=True)
    assert "<script>alert" not in body and "&lt;script&gt;alert" in body


def test_the_form_needs_its_csrf_token(app, client, auth, s):
    auth.sign_in(s.ana)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(s.url(), data={"kind": "learned", "text": "No token."}).status_code == 400
        body = client.get(s.url()).get_data(as_text=True)
        token = body.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        assert client.post(s.url(), data={"kind": "learned", "text": "With a token.",
                                          "csrf_token": token}).status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert [x.text for x in learnings(s)] == ["With a token."]


def test_nothing_can_be_added_to_a_closed_week(client, auth, s):
    week = s.week(s.past)
    add(s, "ana", "Added before the close.", day=s.past)
    week.closed_at = utcnow()
    db.session.commit()
    auth.sign_in(s.ana)
    body = client.get(s.url(s.past)).get_data(as_text=True)
    assert "The session is closed." in body and 'name="text"' not in body
    response = client.post(s.url(s.past), data={"kind": "learned", "text": "Too late."})
    assert response.status_code == 409
    assert "is closed, so learnings can no longer be added" in response.get_data(as_text=True)
    assert [x.text for x in learnings(s, s.past)] == ["Added before the close."]


def test_nothing_can_be_added_to_a_skipped_week(client, auth, s):
    services.skip_week(s.series.id, s.day)
    db.session.commit()
    auth.sign_in(s.ana)
    assert "This week's session is skipped." in client.get(s.url()).get_data(as_text=True)
    response = client.post(s.url(), data={"kind": "learned", "text": "Anyway."})
    assert response.status_code == 409 and "is skipped" in response.get_data(as_text=True)
    assert learnings(s) == []


def test_only_current_invitees_add_learnings(client, auth, s):
    auth.sign_in(s.admin)  # may see the page, is not invited
    body = client.get(s.url()).get_data(as_text=True)
    assert 'name="text"' not in body
    response = client.post(s.url(), data={"kind": "learned", "text": "From the admin."})
    assert response.status_code == 409
    assert "Only the people invited to" in html.unescape(response.get_data(as_text=True))
    assert learnings(s) == []


# -- taking back ---------------------------------------------------------------------------------


def delete_url(s: Scene, learning: Learning, day: date | None = None) -> str:
    return f"{s.url(day)}/learnings/{learning.id}/delete"


def test_a_member_takes_back_their_own_entry_before_the_start(client, auth, s):
    mine, theirs = add(s, "ana", "Mine."), add(s, "bo", "Bo's.")
    auth.sign_in(s.ana)
    assert client.post(delete_url(s, theirs)).status_code == 404
    assert client.post(delete_url(s, mine)).status_code == 302
    assert [x.text for x in learnings(s)] == ["Bo's."]


def test_an_entry_cannot_be_taken_back_once_the_session_started(client, auth, s):
    mine = add(s, "ana", "Said and seen.")
    s.week().started_at = utcnow()
    db.session.commit()
    auth.sign_in(s.ana)
    body = client.get(s.url()).get_data(as_text=True)
    assert "Take back" not in body
    response = client.post(delete_url(s, mine))
    assert response.status_code == 409
    assert "entries can no longer be taken back" in response.get_data(as_text=True)
    assert [x.text for x in learnings(s)] == ["Said and seen."]


def test_an_entry_is_taken_back_only_through_its_own_week(client, auth, s):
    mine = add(s, "ana", "Mine.")
    auth.sign_in(s.ana)
    assert client.post(delete_url(s, mine, s.past)).status_code == 404
    assert len(learnings(s)) == 1


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
    assert ("Learned last week. <span class=\"muted\">— Ana Álvarez" in body) is names_shown
    assert ("Ana Álvarez" in body) is names_shown
    assert ("Anonymous: no one sees who wrote what." in body) is not names_shown
    form = page(client, auth, s, "bo")
    assert ("Your name is shown with your entries" in form) is names_shown


# -- who may see the page --------------------------------------------------------------------------


@pytest.mark.parametrize("who, seen, added", [
    ("ana", 200, 302), ("lead", 200, 302), ("admin", 200, 409), ("other_lead", 404, 404), ("outsider", 404, 404),
])
def test_only_invitees_the_lead_and_admins_see_the_week(client, auth, s, who, seen, added):
    auth.sign_in(s.person(who))
    assert client.get(s.url()).status_code == seen
    assert client.post(s.url(), data={"kind": "learned", "text": "Hello."}).status_code == added
    assert len(learnings(s)) == (1 if added == 302 else 0)


def test_someone_who_left_the_team_no_longer_sees_the_week(client, auth, s):
    member = db.session.scalar(sa.select(SeriesMember).where(
        SeriesMember.series_id == s.series.id, SeriesMember.user_id == s.bo.id))
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
    day = {"next-day": (s.day + timedelta(days=1)).isoformat(),
           "week-later": (s.day - timedelta(weeks=52)).isoformat()}.get(day, day)  # before the first
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
        ZoneInfo("America/New_York"))
    assert "10:00–10:30 (Europe/Berlin)" in body
    assert "In your time zone: " in body and f"{local:%H:%M}–" in body and "(America/New_York)" in body


def test_the_agenda_carries_open_actions_and_counts_answered_questions_by_skill(client, auth, s, make):
    past_week = s.week(s.past)
    db.session.add_all([
        ActionItem(series_id=s.series.id, week_id=past_week.id, text="Pin the wheel cache key",
                   owner_id=s.bo.id, due_date=s.day - timedelta(days=1)),
        ActionItem(series_id=s.series.id, week_id=past_week.id, text="Already done", owner_id=s.ana.id,
                   due_date=s.day, done_at=utcnow()),
    ])
    sql = make.skill("SQL")
    db.session.add(Question(asker_id=s.ana.id, team_id=s.team.id, goal="Why is the billing migration slow?",
                            stuck="Private details of Ana's work.", state=QuestionState.ANSWERED,
                            first_reply_at=utcnow() - timedelta(hours=1), skills=[sql]))
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


# -- the prompt ------------------------------------------------------------------------------------


def prompts(smtp) -> list:
    return [m for m in smtp.messages() if m["Subject"].startswith("Your learnings for What did we learn? (")]


def to(mail) -> str:
    return mail["To"].addresses[0].addr_spec


def text_of(mail) -> str:
    return mail.get_body(("plain",)).get_content().replace("\r\n", "\n")


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
    member = db.session.scalar(sa.select(SeriesMember).where(
        SeriesMember.series_id == s.series.id, SeriesMember.user_id == s.bo.id))
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
