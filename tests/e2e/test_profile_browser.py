"""In a real browser: a new hire signs in and edits their profile."""

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.people.models import SkillKind, UserSkill

pytestmark = pytest.mark.browser


def test_a_new_hire_signs_in_and_edits_their_profile(page, make):
    make.skill("PostgreSQL", aliases=["postgres"])
    user = make.user(name="Noor Haddad", email="noor@example.com", timezone="Europe/Berlin")

    page.goto("/profile")
    expect(page).to_have_url(page.url.split("/sign-in")[0] + "/sign-in?next=/profile")
    page.get_by_label("Email").fill("Noor@Example.com")
    page.get_by_label("Password").fill(make.PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Noor Haddad")).to_be_visible()
    page.get_by_label("Time zone").fill("Asia/Kolkata")
    page.get_by_label("Working day starts").fill("10:00")
    page.get_by_label("Working day ends").fill("18:30")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Kolkata")

    page.get_by_label("Skill", exact=True).fill("postgres")
    page.get_by_label("I", exact=True).select_option("learn")
    page.get_by_label("My level").select_option("2")
    page.get_by_role("button", name="Add skill").click()
    expect(page.get_by_text("PostgreSQL is on your profile at 2/5.")).to_be_visible()

    db.session.expire_all()
    db.session.refresh(user)
    assert user.timezone == "Asia/Kolkata"
    assert (user.work_start.hour, user.work_end.strftime("%H:%M")) == (10, "18:30")
    row = db.session.query(UserSkill).filter_by(user_id=user.id).one()
    assert (row.kind, row.level) == (SkillKind.LEARN, 2)


def test_a_bad_time_zone_cannot_be_chosen_and_wrong_hours_are_explained(page, make):
    user = make.user(email="li@example.com")
    page.goto("/sign-in")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(make.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/profile")
    page.get_by_label("Working day starts").fill("17:00")
    page.get_by_label("Working day ends").fill("09:00")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Working hours must start before they end.")).to_be_visible()
    db.session.refresh(user)
    assert user.work_start.hour == 9
