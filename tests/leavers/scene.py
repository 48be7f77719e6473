"""A team that a mentor leaves: Mia mentors two new hires, has a question waiting for her
and one she took, and goes to the team's weekly session; two other mentors who teach the
same skill can take over. Helpers read the mail people got, as their mail clients would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
import vobject

from app.auth.models import ApiToken
from app.extensions import db, utcnow
from app.help.models import Attempt, AttemptState, Question
from app.people.models import Role, SkillKind, Team, User
from matching import services as matching
from matching.models import Mentorship
from tests.help.routing_scenes import ask, mentor, skill
from tests.security.access_scene import Browser
from tests.sessions.weekly import weekly_series


@dataclass
class Office:
    team: Team
    admin: User
    lead: User
    mia: User  # the mentor who leaves
    max: User
    mo: User
    nina: User  # Mia's mentees
    noah: User
    ada: User  # her question waits for Mia's answer
    ben: User  # Mia took his question
    routed: Question
    taken: Question
    series_id: int
    invitation: object = None  # the invitation Mia's calendar got, once the mail is read


def build(make, jobs) -> Office:
    """Save the office, send its invites and mails, and return it."""
    sql = skill(make, "SQL")
    team = make.team("Payments")
    lead = make.user(name="Lena Lead", roles=(Role.LEAD,), team=team, password=None)
    team.lead = lead
    db.session.commit()
    admin = make.admin(name="Ann Admin")
    mia = mentor(make, "Mia Mentor", team=team, max_mentees=3)
    others = [mentor(make, name, team=team, max_mentees=3, password=None) for name in ("Max Mentor", "Mo Mentor")]
    hires = []
    for name in ("Nina New", "Noah New"):
        hire = make.user(name=name, team=team, password=None)
        make.user_skill(hire, sql, SkillKind.LEARN, 1)
        hires.append(hire)
    askers = [make.user(name=name, roles=(), team=team, password=None) for name in ("Ada Asker", "Ben Asker")]
    jobs.connection.flushdb()  # no proposals on joining: Mia is their mentor
    for hire in hires:
        mentorship = matching.create_proposal(hire.id, mia.id, 70.0, [], "join", 3)
        db.session.commit()
        matching.accept(mentorship.id, mia.id)
        db.session.commit()
    routed, taken = (ask(asker, goal=f"{asker.name.split()[0]}'s migration") for asker in askers)
    now = utcnow()
    for question in (routed, taken):
        db.session.add(
            Attempt(
                question_id=question.id,
                mentor_id=mia.id,
                number=1,
                tier="teaches the skill",
                deadline_at=now + timedelta(hours=2),
                notified_at=now,
                taken_at=now if question is taken else None,
                created_at=now,
            )
        )
    series_id = weekly_series(team.id, lead.id, date.today() + timedelta(days=1))
    db.session.commit()
    jobs.run()  # the invites and the mentorship mails
    return Office(team, admin, lead, mia, *others, *hires, *askers, routed, taken, series_id)


def received(smtp, person: User) -> list:
    """The messages a person got, in order."""
    return [m for m in smtp.messages() if person.email in m["To"]]


def subjects(smtp, person: User) -> list[str]:
    return [str(m["Subject"]) for m in received(smtp, person)]


def calendar_of(message):
    """The message's calendar, read by vobject (not the library that wrote it)."""
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return vobject.readOne(part.get_content())


def attendees(calendar) -> set[str]:
    return {a.value.lower().removeprefix("mailto:") for a in calendar.vevent.contents.get("attendee", [])}


def live_mentor(question: Question) -> User | None:
    """Who the question waits for now."""
    db.session.expire_all()
    return db.session.scalar(
        sa.select(User)
        .join(Attempt, Attempt.mentor_id == User.id)
        .where(Attempt.question_id == question.id, Attempt.state == AttemptState.WAITING)
    )


def mentorships_of(person: User) -> list[Mentorship]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Mentorship)
            .where(sa.or_(Mentorship.mentor_id == person.id, Mentorship.new_hire_id == person.id))
            .order_by(Mentorship.id)
        )
    )


def signed_in(browser: Browser) -> bool:
    return browser.get("/profile").status_code == 200


def remembered(app, person: User) -> Browser:
    """A browser holding only the "keep me signed in" cookie of a sign-in of the person."""
    browser = Browser(app)
    response = browser.post(
        "/sign-in", data={"email": person.email, "password": "correct horse battery", "remember": "y"}
    )
    assert response.status_code == 302
    copy = Browser(app)
    copy.client.set_cookie("remember_token", browser.client.get_cookie("remember_token").value)
    return copy


def token_of(person: User) -> dict[str, str]:
    _, secret = ApiToken.issue(person, "laptop")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}
