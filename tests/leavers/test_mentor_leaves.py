"""A mentor leaves: the admin's page asks, saying what will happen, then everything that
waited for her moves on at once, with real mail and real jobs."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.mail.models import OutboundMail
from matching.models import MentorshipState
from sessions.jobs import upkeep
from tests.leavers.scene import (
    attendees,
    calendar_of,
    live_mentor,
    mentorships_of,
    received,
    remembered,
    signed_in,
    subjects,
    token_of,
)
from tests.security.access_scene import Browser


def deactivate(app, office, jobs) -> Browser:
    admin = Browser(app, office.admin)
    response = admin.post(f"/admin/people/{office.mia.id}/deactivate")
    assert response.status_code == 302
    jobs.run()
    return admin


def test_the_admin_is_told_what_will_happen_before_it_does(app, office):
    page = Browser(app, office.admin).get(f"/admin/people/{office.mia.id}/deactivate")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "2 questions waiting for their answer (asked or taken) will move to other mentors" in text
    assert "2 mentorships will end" in text
    assert "They leave 1 weekly session" in text
    assert "Deactivate Mia Mentor</button>" in text
    db.session.expire_all()
    assert office.mia.active  # asking changed nothing


def test_her_questions_move_on_and_the_askers_are_told(app, office, smtp, jobs):
    deactivate(app, office, jobs)
    for question, asker in ((office.routed, office.ada), (office.taken, office.ben)):
        now_with = live_mentor(question)
        assert now_with in (office.max, office.mo)
        assert f"Your question went to {now_with.name}" in subjects(smtp, asker)
        note = next(m for m in received(smtp, asker) if "went to" in str(m["Subject"]))
        assert "no longer with the team" in note.get_body(("plain",)).get_content()
        assert any(question.goal in s for s in subjects(smtp, now_with))  # the next mentor is asked


def test_her_mentees_are_told_and_proposed_new_mentors(app, office, smtp, jobs):
    deactivate(app, office, jobs)
    assert [m.state for m in mentorships_of(office.mia)] == [MentorshipState.ENDED, MentorshipState.ENDED]
    for hire in (office.nina, office.noah):
        assert subjects(smtp, hire) == ["Your mentorship has ended: Mia Mentor has left"]
        assert "looking for a new mentor" in received(smtp, hire)[0].get_body(("plain",)).get_content()
        proposal = [m for m in mentorships_of(hire) if m.state == MentorshipState.PROPOSED]
        assert len(proposal) == 1 and proposal[0].mentor_id in (office.max.id, office.mo.id)
        proposed_to = office.max if proposal[0].mentor_id == office.max.id else office.mo
        assert f"Would you mentor {hire.name}?" in subjects(smtp, proposed_to)


def test_she_alone_gets_the_cancellation_of_her_weekly_session(app, office, smtp, jobs):
    deactivate(app, office, jobs)
    app.extensions["jobs"].queues["default"].enqueue(upkeep)  # the sessions' beat finds nothing more to send
    jobs.run()
    assert subjects(smtp, office.mia) == ["Cancelled: What did we learn?"]  # and nothing else reaches her
    cancels = received(smtp, office.mia)
    calendar = calendar_of(cancels[0])
    assert calendar.method.value == "CANCEL"
    assert calendar.vevent.status.value == "CANCELLED"
    assert attendees(calendar) == {office.mia.email}
    invited = int(calendar_of(office.invitation).vevent.sequence.value)
    assert int(calendar.vevent.sequence.value) > invited  # a new version, as calendars expect
    for other in (office.lead, office.max, office.mo, office.ada, office.ben, office.nina, office.noah):
        calendars = [m for m in received(smtp, other) for p in m.walk() if p.get_content_type() == "text/calendar"]
        assert calendars == []  # no updated attendee list


def test_her_sign_ins_and_tokens_stop_at_once(app, office, jobs):
    browser = Browser(app, office.mia)
    cookie_only = remembered(app, office.mia)
    token = token_of(office.mia)
    assert signed_in(browser) and signed_in(cookie_only)
    assert browser.get("/api/v1/people/me", headers=token).status_code == 200
    deactivate(app, office, jobs)
    assert not signed_in(browser)
    assert not signed_in(cookie_only)
    assert Browser(app).get("/api/v1/people/me", headers=token).status_code == 401
    again = Browser(app).post("/sign-in", data={"email": office.mia.email, "password": "correct horse battery"})
    assert again.status_code != 302


def test_deactivating_her_twice_sends_nothing_more(app, office, smtp, jobs):
    admin = deactivate(app, office, jobs)
    sent, rows = len(smtp.received), db.session.scalar(sa.select(sa.func.count(OutboundMail.id)))
    assert admin.post(f"/admin/people/{office.mia.id}/deactivate").status_code == 302
    assert "already deactivated" in admin.get(f"/admin/people/{office.mia.id}/deactivate").get_data(as_text=True)
    jobs.run()
    assert len(smtp.received) == sent
    assert db.session.scalar(sa.select(sa.func.count(OutboundMail.id))) == rows


def test_reactivated_she_signs_in_again_and_nothing_comes_back(app, office, smtp, jobs):
    token = token_of(office.mia)
    admin = deactivate(app, office, jobs)
    moved_to = live_mentor(office.routed)
    assert admin.post(f"/admin/people/{office.mia.id}/reactivate").status_code == 302
    jobs.run()
    assert signed_in(Browser(app, office.mia))
    assert Browser(app).get("/api/v1/people/me", headers=token).status_code == 401  # she makes a new one
    assert live_mentor(office.routed) == moved_to
    assert live_mentor(office.taken) != office.mia
    assert not [m for m in mentorships_of(office.mia) if m.state in (MentorshipState.ACTIVE, MentorshipState.PROPOSED)]
