"""The life of a mentorship end to end: a real worker proposes, a real SMTP server receives
the mails, and people act from their pages or from the one-click links in the mails."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.jobs import enqueue
from app.people.models import Role, Skill, SkillKind, normalize_key
from app.people.services import PersonDetails, create_person
from app.tokens import make_token
from matching import services
from matching.assignment import ranked_mentors
from matching.directory import blocked_pairs, current_settings, mentors, new_hires, rules_of, weights_of
from matching.jobs import mentorship_upkeep, propose_mentor_job
from matching.models import DoNotPair, Mentorship, MentorshipState, WaitingForMentor
from matching.scoring import build_table
from tests.factories import Factories

LINK = re.compile(r"http://localhost(/mentorships/email/([a-z-]+)/[A-Za-z0-9._-]+)")


# People, mails and time, as the tests in this folder need them.


def skill(make, name: str) -> Skill:
    return db.session.scalar(sa.select(Skill).where(Skill.key == normalize_key(name))) or make.skill(name)


def mentor(make, name: str, teaches: dict[str, int] | None = None, level: int = 3, **fields):
    """A mentor who teaches the given skills (SQL at 4 by default), in Berlin, 9 to 17."""
    person = make.mentor(name=name, level=level, password=None, **fields)
    for skill_name, skill_level in (teaches or {"SQL": 4}).items():
        make.user_skill(person, skill(make, skill_name), SkillKind.TEACH, skill_level)
    return person


def new_hire(make, name: str, wants: dict[str, int] | None = None, level: int = 1, **fields):
    """A new hire who wants to learn the given skills (SQL from 1 by default)."""
    person = make.user(name=name, level=level, password=None, **fields)
    for skill_name, skill_level in (wants if wants is not None else {"SQL": 1}).items():
        make.user_skill(person, skill(make, skill_name), SkillKind.LEARN, skill_level)
    return person


def sign_in(auth, person) -> None:
    """Sign a person in (people here get a password only when they sign in: hashing is slow)."""
    person.set_password(Factories.PASSWORD)
    db.session.commit()
    auth.sign_in(person)


def mentorships_of(person) -> list[Mentorship]:
    """The new hire's mentorships as the database has them now, oldest first."""
    db.session.expire_all()
    return list(
        db.session.scalars(sa.select(Mentorship).where(Mentorship.new_hire_id == person.id).order_by(Mentorship.id))
    )


def live_of(person) -> Mentorship | None:
    return next((m for m in mentorships_of(person) if m.is_live), None)


def mails_to(smtp, person) -> list:
    return [m for m in smtp.messages() if m["To"].addresses[0].addr_spec == person.email]


def text_of(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def links_in(mail) -> dict[str, str]:
    """The one-click links of a mail, as paths by action."""
    return {action: path for path, action in LINK.findall(text_of(mail))}


def core_ranking(person) -> list[int]:
    """Mentor ids, best first, as the pure core ranks them for this new hire today."""
    settings = current_settings()
    weights, rules = weights_of(settings), rules_of(settings, utcnow().date())
    table = build_table(new_hires([person.id]), mentors(), weights, rules, blocked_pairs([person.id]))
    db.session.commit()
    return [table.mentors[j].id for j in ranked_mentors(table, 0, limit=20)]


def upkeep(jobs) -> None:
    """Run the periodic upkeep in the worker, and whatever it sets off."""
    enqueue(mentorship_upkeep)
    jobs.run()


def shift(mentorship: Mentorship, **values) -> None:
    """Move a mentorship's moments, as if time had passed."""
    db.session.execute(sa.update(Mentorship).where(Mentorship.id == mentorship.id).values(**values))
    db.session.commit()


def pair(make, jobs, hire_name="Bo Jansen", mentor_name="Ada Lovelace"):
    """A mentor and a new hire with a proposal between them (its mail sent)."""
    ada = mentor(make, mentor_name, {"SQL": 5})
    bo = new_hire(make, hire_name)
    jobs.run()
    return ada, bo, live_of(bo)


# Joining


@pytest.mark.parametrize("joins_by", ["admin form", "factory"])
def test_a_new_hire_is_proposed_the_best_mentor_once(app, make, jobs, smtp, joins_by):
    ada = mentor(make, "Ada Lovelace", {"SQL": 5}, level=3)
    cy = mentor(make, "Cy Young", {"SQL": 2}, level=2)
    if joins_by == "admin form":
        bo = create_person(PersonDetails(email="bo@example.com", name="Bo Jansen", timezone="Europe/Berlin"))
        make.user_skill(bo, skill(make, "SQL"), SkillKind.LEARN, 1)
    else:
        bo = new_hire(make, "Bo Jansen")
    assert jobs.count() == 1  # the proposal job, queued when the new hire was saved

    jobs.run()

    [proposal] = mentorships_of(bo)
    assert proposal.state == MentorshipState.PROPOSED
    assert proposal.mentor_id == ada.id == core_ranking(bo)[0]
    assert core_ranking(bo)[1] == cy.id
    [mail] = smtp.messages()
    assert mail["To"].addresses[0].addr_spec == ada.email
    assert mail["Subject"] == "Would you mentor Bo Jansen?"
    text = text_of(mail)
    # The mentor reads the reasons about the new hire, not about themselves.
    assert "Ada Lovelace teaches SQL at 5/5, Bo Jansen is at 1/5" in text
    assert "you are 1/5" not in text
    assert "of shared working hours" in text
    assert set(links_in(mail)) == {"accept", "decline"}

    enqueue(propose_mentor_job, bo.id)
    jobs.run()
    assert len(mentorships_of(bo)) == 1
    assert len(smtp.messages()) == 1


def test_accepting_from_the_mail_asks_first_and_works_once(app, make, jobs, smtp, client):
    ada, bo, proposal = pair(make, jobs)
    accept = links_in(mails_to(smtp, ada)[0])["accept"]

    page = client.get(accept)
    assert page.status_code == 200
    assert "Accept this mentee?" in page.text and "Bo Jansen" in page.text
    assert live_of(bo).state == MentorshipState.PROPOSED  # a mail scanner's GET changes nothing

    done = client.post(accept)
    assert done.status_code == 200
    assert "You are now Bo Jansen&#39;s mentor" in done.text
    assert live_of(bo).state == MentorshipState.ACTIVE

    again = client.post(accept)
    assert again.status_code == 410
    assert "This link was already used" in again.text
    assert "This link was already used" in client.get(accept).text

    jobs.run()
    [welcome] = mails_to(smtp, bo)
    assert welcome["Subject"] == "Ada Lovelace is your mentor"
    assert "Ada Lovelace teaches SQL at 5/5, Bo Jansen is at 1/5" in text_of(welcome)


def test_an_expired_link_says_so_and_changes_nothing(app, make, jobs, client):
    ada, bo, proposal = pair(make, jobs)
    old = make_token(
        "mentorship-accept", proposal.id, user_id=ada.id, single_use=True, issued_at=utcnow() - timedelta(days=15)
    )

    for response in (client.get(f"/mentorships/email/accept/{old}"), client.post(f"/mentorships/email/accept/{old}")):
        assert response.status_code == 410
        assert "This link has expired" in response.text
    assert client.get(f"/mentorships/email/accept/{old[:-3]}xyz").status_code == 400
    assert live_of(bo).state == MentorshipState.PROPOSED


# Exclusions: each case makes the otherwise best mentor impossible for Bo.


def _at_capacity(make, star, bo):
    other = new_hire(make, "Other Hire")
    db.session.add(
        Mentorship(
            new_hire_id=other.id,
            mentor_id=star.id,
            state=MentorshipState.ACTIVE,
            expires_at=utcnow(),
            started_at=utcnow(),
        )
    )
    star.max_mentees = 1


def _away(make, star, bo):
    star.away_from, star.away_until = date.today(), date.today() + timedelta(days=10)


def _manager(make, star, bo):
    bo.manager_id = star.id


def _managers_manager(make, star, bo):
    boss = make.user(name="Middle Manager", roles=(Role.LEAD,), password=None)
    boss.manager_id, bo.manager_id = star.id, boss.id


def _do_not_pair(make, star, bo):
    db.session.add(DoNotPair(new_hire_id=bo.id, mentor_id=star.id, note="family"))


def _declined_before(make, star, bo):
    db.session.add(
        Mentorship(new_hire_id=bo.id, mentor_id=star.id, state=MentorshipState.DECLINED, expires_at=utcnow())
    )


def _hours_apart(make, star, bo):
    star.timezone, star.work_start, star.work_end = "America/Los_Angeles", time(9), time(17)


def _zero_capacity(make, star, bo):
    star.max_mentees = 0


EXCLUSIONS = {
    "at capacity": _at_capacity,
    "away": _away,
    "manager": _manager,
    "manager's manager": _managers_manager,
    "do not pair": _do_not_pair,
    "declined before": _declined_before,
    "too few shared hours": _hours_apart,
    "zero capacity": _zero_capacity,
}


@pytest.mark.parametrize("exclusion", EXCLUSIONS)
def test_an_excluded_mentor_is_never_proposed(app, make, jobs, smtp, client, exclusion):
    star = mentor(make, "Star Mentor", {"SQL": 5}, level=3)
    plain = mentor(make, "Plain Mentor", {"SQL": 2}, level=1)
    bo = new_hire(make, "Bo Jansen")
    assert core_ranking(bo)[0] == star.id  # the best, were it not for the exclusion
    EXCLUSIONS[exclusion](make, star, bo)
    db.session.commit()

    jobs.run()
    assert live_of(bo).mentor_id == plain.id

    decline = links_in(mails_to(smtp, plain)[0])["decline"]
    assert client.post(decline).status_code == 200
    jobs.run()  # nobody but the excluded mentor is left
    upkeep(jobs)  # which looks again for those waiting
    assert live_of(bo) is None
    assert db.session.get(WaitingForMentor, bo.id) is not None
    assert mails_to(smtp, star) == []


# Declines, expiry and reminders


def test_decline_and_expiry_move_on_to_the_next_best_until_nobody_is_left(app, make, jobs, smtp, client, auth):
    ada = mentor(make, "Ada Lovelace", {"SQL": 5})
    cy = mentor(make, "Cy Young", {"SQL": 3})
    bo = new_hire(make, "Bo Jansen")
    jobs.run()
    assert live_of(bo).mentor_id == ada.id

    sign_in(auth, ada)
    declined = client.post(f"/mentorships/{live_of(bo).id}/decline", data={"note": "Too busy"}, follow_redirects=True)
    assert "We will ask the next best mentor" in declined.text
    jobs.run()
    second = live_of(bo)
    assert second.mentor_id == cy.id
    assert mails_to(smtp, cy)[0]["Subject"] == "Would you mentor Bo Jansen?"

    shift(second, expires_at=utcnow() - timedelta(minutes=1))
    upkeep(jobs)
    assert [m.state for m in mentorships_of(bo)] == [MentorshipState.DECLINED, MentorshipState.EXPIRED]
    assert live_of(bo) is None
    reason = db.session.get(WaitingForMentor, bo.id).reason
    assert reason == (
        "every mentor who teaches SQL is excluded (away, full, in the reporting line, or declined before)"
    )

    admin = make.admin(name="Ada Admin", password=None)
    auth.sign_out()
    sign_in(auth, admin)
    assert reason in client.get("/admin/mentorships").text
    auth.sign_out()
    sign_in(auth, bo)
    page = client.get("/mentor").text
    assert "We are still looking for your mentor" in page and reason in page


def test_one_reminder_at_half_time(app, make, jobs, smtp):
    ada, bo, proposal = pair(make, jobs)
    now = utcnow()
    shift(proposal, proposed_at=now - timedelta(days=1), expires_at=now + timedelta(days=2))
    upkeep(jobs)
    assert len(mails_to(smtp, ada)) == 1  # not yet half-time

    shift(proposal, proposed_at=now - timedelta(days=2), expires_at=now + timedelta(days=1))
    upkeep(jobs)
    upkeep(jobs)
    reminders = [m for m in mails_to(smtp, ada) if m["Subject"].startswith("Reminder")]
    assert [m["Subject"] for m in reminders] == ["Reminder: would you mentor Bo Jansen?"]
    assert set(links_in(reminders[0])) == {"accept", "decline"}
    assert live_of(bo).state == MentorshipState.PROPOSED


# Waiting


@pytest.mark.parametrize(
    "wants, reason", [({}, "no skills to learn on the profile yet"), ({"COBOL": 1}, "no mentor teaches COBOL")]
)
def test_a_new_hire_nobody_can_mentor_waits_and_is_told_why(app, make, jobs, auth, client, wants, reason):
    ada = mentor(make, "Ada Lovelace", {"SQL": 5})
    bo = new_hire(make, "Bo Jansen", wants=wants)
    jobs.run()
    assert live_of(bo) is None
    assert db.session.get(WaitingForMentor, bo.id).reason == reason
    sign_in(auth, bo)
    page = client.get("/mentor").text
    assert f"We are still looking for your mentor: {reason}." in page
    assert 'href="/profile"' in page

    # Once the skills are there, the next upkeep finds a mentor.
    make.user_skill(bo, skill(make, "SQL"), SkillKind.LEARN, 1)
    upkeep(jobs)
    assert live_of(bo).mentor_id == ada.id
    assert db.session.get(WaitingForMentor, bo.id) is None


# Active, then ended, completed or re-matched


def test_a_mentorship_completes_after_the_programme(app, make, jobs, client, auth):
    ada, bo, proposal = pair(make, jobs)
    services.accept(proposal.id, ada.id)
    db.session.commit()  # the test owns its transaction, as a request would
    active = live_of(bo)
    assert active.ends_at - active.started_at == timedelta(days=90)
    upkeep(jobs)
    assert live_of(bo).state == MentorshipState.ACTIVE

    shift(active, ends_at=utcnow() - timedelta(minutes=1))
    upkeep(jobs)
    [done] = mentorships_of(bo)
    assert done.state == MentorshipState.COMPLETED and done.ended_at is not None
    sign_in(auth, bo)
    page = client.get("/mentor").text
    assert "You have no mentor at the moment" in page and "Completed" in page


def test_the_fit_check_asks_both_sides_and_no_offers_a_rematch(app, make, jobs, smtp, client, auth):
    ada, bo, proposal = pair(make, jobs)
    cy = mentor(make, "Cy Young", {"SQL": 3})
    services.accept(proposal.id, ada.id)
    active = live_of(bo)
    assert active.fit_check_due_at - active.started_at == timedelta(days=14)
    shift(active, fit_check_due_at=utcnow() - timedelta(minutes=1))
    upkeep(jobs)
    upkeep(jobs)
    checks = [m for m in smtp.messages() if m["Subject"] == "Is your mentorship a good fit?"]
    assert sorted(m["To"].addresses[0].addr_spec for m in checks) == sorted([ada.email, bo.email])

    [bos_check] = [m for m in checks if m["To"].addresses[0].addr_spec == bo.email]
    assert "with Ada Lovelace" in text_of(bos_check)
    no = links_in(bos_check)["fit-no"]
    assert "Is this mentorship a good fit?" in client.get(no).text
    answered = client.post(no)
    assert "you can ask for a new match" in answered.text and 'href="/mentor"' in answered.text

    sign_in(auth, bo)
    assert "Find me another mentor" in client.get("/mentor").text
    rematched = client.post(f"/mentorships/{active.id}/rematch", follow_redirects=True)
    assert "we are looking for a better match" in rematched.text
    jobs.run()
    assert live_of(bo).mentor_id == cy.id
    assert mentorships_of(bo)[0].state == MentorshipState.ENDED

    # Never the same mentor again: with Cy declining, nobody is left.
    services.decline(live_of(bo).id, cy.id)
    db.session.commit()  # the test owns its transaction, as a request would
    jobs.run()
    assert live_of(bo) is None
    assert [m.mentor_id for m in mentorships_of(bo)] == [ada.id, cy.id]
