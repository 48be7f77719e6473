"""In a real browser: an admin finds a new hire waiting for a mentor, sees every mentor ranked
with their scores and why, and chooses one a rule excludes, with a reason."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.people.models import SkillKind
from matching import services
from matching.models import Mentorship, MentorshipState, WaitingForMentor
from tests.e2e.signing_in import sign_in

pytestmark = pytest.mark.browser

REASON = "Tomás offered to take one more: Noor joins his team's migration."


def test_an_admin_chooses_a_full_mentor_for_a_waiting_new_hire_with_a_reason(page, make, jobs):
    sql = make.skill("SQL")
    noor = make.user(name="Noor Haddad", email="noor@example.com", title="Backend Engineer", level=1)
    make.user_skill(noor, sql, SkillKind.LEARN, 1)
    tomas = make.mentor(name="Tomás Ferreira", title="Senior Backend Engineer", level=3, max_mentees=0)
    make.user_skill(tomas, sql, SkillKind.TEACH, 4)
    lina = make.mentor(name="Lina Go", title="Backend Engineer", level=2)
    make.user_skill(lina, make.skill("Go"), SkillKind.TEACH, 4)
    make.admin(name="Ann Admin", email="ann@example.com")
    assert services.propose_mentor(noor.id) is None  # nobody with a free slot teaches SQL
    assert db.session.get(WaitingForMentor, noor.id) is not None

    sign_in(page, "ann@example.com", make.PASSWORD)
    nav = page.get_by_role("navigation")
    nav.get_by_text("Admin", exact=True).click()  # the admin's pages are one entry that opens a list
    nav.get_by_role("link", name="Mentorships").click()
    page.get_by_role("link", name="Choose a mentor for Noor Haddad").click()
    expect(page.get_by_role("heading", name="Choose a mentor for Noor Haddad")).to_be_visible()

    rows = page.locator("#candidates tr.candidate")
    expect(rows).to_have_count(2)
    first = rows.nth(0)
    expect(first).to_contain_text("Tomás Ferreira")
    expect(first).to_contain_text("Tomás Ferreira teaches SQL at 4/5, Noor Haddad is at 1/5")
    expect(first).to_contain_text("Excluded: Tomás Ferreira has no free mentee slot")
    expect(first.locator("td.slots")).to_have_text("0 of 0")
    expect(rows.nth(1)).to_contain_text("teaches none of the skills Noor Haddad wants to learn")

    first.get_by_text("Choose Tomás Ferreira anyway", exact=True).click()
    first.get_by_role("button", name="Propose Tomás Ferreira anyway").click()
    expect(page.get_by_role("alert")).to_contain_text("say why you choose them anyway")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mentorship)) == 0

    first = page.locator("#candidates tr.candidate").nth(0)
    first.get_by_label("Why choose Tomás Ferreira anyway? (only admins see this)").fill(REASON)
    first.get_by_role("button", name="Propose Tomás Ferreira anyway").click()

    expect(page.get_by_role("status")).to_have_text(
        "Tomás Ferreira is asked by email to mentor Noor Haddad (overriding a rule, with your reason kept)."
    )
    row = page.locator("tr", has_text="Tomás Ferreira").first
    expect(row).to_contain_text("Proposed")
    expect(row).to_contain_text("Overrode: has no free mentee slot · Ann Admin")
    expect(row).to_contain_text(REASON)

    db.session.expire_all()
    chosen = db.session.scalar(sa.select(Mentorship))
    assert (chosen.new_hire_id, chosen.mentor_id, chosen.state) == (noor.id, tomas.id, MentorshipState.PROPOSED)
    assert chosen.override_reason == REASON and chosen.overridden_rules[0]["rule"] == "full"
