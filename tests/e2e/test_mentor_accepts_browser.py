"""In a real browser: a mentor accepts a proposal, and the new hire sees their mentor and why."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.mail.models import OutboundMail
from app.people.models import SkillKind
from matching import services
from matching.models import Mentorship, MentorshipState
from tests.e2e.signing_in import sign_in

pytestmark = pytest.mark.browser


def test_a_mentor_accepts_a_proposal_and_the_new_hire_sees_why(page, make, jobs):
    sql = make.skill("SQL")
    new_hire = make.user(name="Noor Haddad", email="noor@example.com", title="Backend Engineer", level=1)
    make.user_skill(new_hire, sql, SkillKind.LEARN, 1)
    mentor = make.mentor(name="Tomás Ferreira", email="tomas@example.com", title="Senior Backend Engineer", level=3)
    make.user_skill(mentor, sql, SkillKind.TEACH, 4)
    mentorship = services.propose_mentor(new_hire.id)
    assert mentorship is not None and mentorship.mentor_id == mentor.id

    sign_in(page, "tomas@example.com", make.PASSWORD)
    page.get_by_role("link", name="Mentoring").click()
    proposal = page.locator("#proposals article.proposal")
    expect(proposal).to_have_count(1)
    expect(proposal).to_contain_text("Noor Haddad")
    expect(proposal.locator(".reasons li").first).to_contain_text(
        "Tomás Ferreira teaches SQL at 4/5, Noor Haddad is at 1/5"
    )
    expect(proposal.locator(".reasons")).to_contain_text("of shared working hours")
    proposal.get_by_role("button", name="Accept Noor Haddad").click()

    expect(page.get_by_role("status")).to_have_text("You are now Noor Haddad's mentor.")
    expect(page.locator("#proposals")).to_contain_text("No proposals right now.")
    expect(page.locator("#mentees article")).to_contain_text("Noor Haddad")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "noor@example.com", make.PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="My mentor").click()
    expect(page.get_by_role("heading", name="Your mentor")).to_be_visible()
    summary = page.locator(".mentorship-summary")
    expect(summary).to_contain_text("Tomás Ferreira")
    expect(summary.locator(".reasons li").first).to_contain_text(
        "Tomás Ferreira teaches SQL at 4/5, Noor Haddad is at 1/5"
    )
    expect(page.get_by_text("write to")).to_contain_text("tomas@example.com")

    db.session.expire_all()
    saved = db.session.get(Mentorship, mentorship.id)
    assert saved.state == MentorshipState.ACTIVE
    assert saved.started_at is not None and saved.decided_at == saved.started_at
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mentorship)) == 1
    told = db.session.scalars(sa.select(OutboundMail.to_email).where(OutboundMail.kind == "mentorship_accepted")).all()
    assert told == ["noor@example.com"]
