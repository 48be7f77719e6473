"""An admin erases a person: their name and contact replaced, their secrets gone, what they
wrote kept without their name or removed (ERASURE_TEXTS), every count and rating kept for
the figures."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from app.auth.models import ApiToken
from app.extensions import db
from app.help.models import DigestSetting, Post, Question
from app.mail.models import IncomingMail, MailBounce, MailOptOut, MailStatus, OutboundMail, ReplyAddress
from app.people.models import User, UserSkill
from feedback.models import Checkin, TaskFeedback
from matching.models import DoNotPair
from sessions.models import CalendarFeed, Learning
from tests.factories import Factories
from tests.people.personal_data_requests import as_admin, download, erase, everything, fresh
from tests.people.personal_data_scene import NINAS_REPLY
from tests.security.access_scene import Browser, database_state

# Erasure


def test_erasing_replaces_the_name_and_contact_and_drops_the_secrets(app, s):
    nina, words = s.people["new_hire"], s.words
    nina_id, email = nina.id, nina.email
    token_secret = s.tokens["new_hire"]
    signed_in = Browser(app, nina)
    admin = as_admin(app, s)

    confirm = admin.get(f"/admin/people/{nina_id}/erase")
    assert confirm.status_code == 200 and email in confirm.get_data(as_text=True)
    response = erase(admin, nina)
    assert response.status_code == 302

    person = fresh(User, nina_id)
    assert person.name == f"Former member {nina_id}"
    assert person.email != email and person.email.endswith(".invalid")
    assert not person.active and person.erased_at is not None and person.password_hash is None
    assert (person.title, person.timezone, person.start_date, person.manager_id) == ("", "UTC", None, None)
    assert (person.work_days, person.holiday_country, person.holiday_region) == ("0,1,2,3,4", "", "")
    assert person.team_id == s.team.id  # the team's figures still count her rows
    for model, column in (
        (ApiToken, ApiToken.user_id),
        (UserSkill, UserSkill.user_id),
        (ReplyAddress, ReplyAddress.user_id),
        (MailOptOut, MailOptOut.user_id),
        (CalendarFeed, CalendarFeed.user_id),
        (DigestSetting, DigestSetting.user_id),
    ):
        assert not db.session.scalars(sa.select(model).where(column == nina_id)).all(), model
    assert not db.session.scalars(sa.select(DoNotPair).where(DoNotPair.new_hire_id == nina_id)).all()
    assert db.session.scalar(sa.select(MailBounce).where(MailBounce.email == email)) is None
    # Mail to her and from her is kept as a record with nothing of her in it.
    to_her = db.session.scalars(sa.select(OutboundMail).where(OutboundMail.user_id == nina_id)).all()
    assert to_her and all(
        m.to_email == person.email
        and m.text_body == ""
        and m.html_body == ""
        and m.status in (MailStatus.SENT, MailStatus.SUPPRESSED)
        for m in to_her
    )
    from_her = db.session.scalars(sa.select(IncomingMail).where(IncomingMail.raw == b"")).all()
    assert len(from_her) >= 1 and all(m.mail_from in ("", "<>") for m in from_her)
    # Her session ends, and she cannot sign in again, with her old address or through the API.
    assert signed_in.get("/").status_code == 302
    assert Browser(app).post("/sign-in", data={"email": email, "password": Factories.PASSWORD}).status_code != 302
    assert Browser(app).get("/api/v1/people/me", headers={"Authorization": f"Bearer {token_secret}"}).status_code == 401
    # What she wrote is kept, shown without her name (ERASURE_TEXTS=keep, the default).
    assert fresh(Question, s.question.id).goal == words.goal
    assert fresh(Learning, s.learning.id).text == words.learning
    page = admin.get(f"/admin/people/{nina_id}").get_data(as_text=True)
    assert "Erased" in page and words.admin in page


def test_erasure_is_confirmed_by_typing_the_email_or_the_name(app, s):
    nina = s.people["new_hire"]
    admin = as_admin(app, s)
    before = database_state()
    for typed in ("", "nina", "someone@example.com", s.people["mentor"].email):
        response = erase(admin, nina, typed)
        assert response.status_code == 400, typed
        assert "Type" in response.get_data(as_text=True)
    assert database_state() == before
    assert erase(admin, nina, f"  {s.words.new_hire.upper()} ").status_code == 302
    assert fresh(User, nina.id).erased_at is not None


def test_nobody_erases_themselves_and_only_admins_erase(app, s):
    ada = s.people["admin"]
    admin = as_admin(app, s)
    before = database_state()
    response = erase(admin, ada)
    assert response.status_code == 400
    assert "cannot erase yourself" in response.get_data(as_text=True)
    for role in ("new_hire", "mentor", "lead"):
        assert erase(Browser(app, s.people[role]), s.people["other_new_hire"]).status_code == 403
    assert database_state() == before


def test_erasing_twice_changes_nothing_more(app, s):
    nina = s.people["new_hire"]
    admin = as_admin(app, s)
    assert erase(admin, nina).status_code == 302
    once = database_state()
    person = fresh(User, nina.id)
    assert erase(admin, person, person.name).status_code == 302
    twice = database_state()
    assert {name: rows for name, rows in twice.items() if name != "personal_data_requests"} == {
        name: rows for name, rows in once.items() if name != "personal_data_requests"
    }
    assert len(twice["personal_data_requests"]) == len(once["personal_data_requests"]) + 1


def test_an_erased_person_is_not_edited_or_reactivated(app, client, s):
    nina = s.people["new_hire"]
    admin = as_admin(app, s)
    erase(admin, nina)
    before = database_state()
    response = admin.post(
        f"/admin/people/{nina.id}",
        data={
            "email": "nina@example.com",
            "name": "Nina Again",
            "roles": "new_hire",
            "timezone": "UTC",
            "work_start": "09:00",
            "work_end": "17:00",
        },
    )
    assert response.status_code == 400 and "erased" in response.get_data(as_text=True)
    assert admin.post(f"/admin/people/{nina.id}/reactivate").status_code == 302
    patched = client.patch(f"/api/v1/people/{nina.id}", json={"name": "Nina Again"}, headers=s.api_headers("admin"))
    assert patched.status_code == 422
    assert database_state() == before
    assert not fresh(User, nina.id).active


@pytest.mark.parametrize("texts", ["keep", "remove"])
def test_what_she_wrote_is_kept_or_removed_as_set(app, s, texts):
    app.config["ERASURE_TEXTS"] = texts
    nina, words = s.people["new_hire"], s.words
    erase(as_admin(app, s), nina)
    held = everything()
    hers = [
        words.goal,
        words.stuck,
        words.answered_goal,
        words.answered_stuck,
        words.rating_note,
        words.task_title,
        words.task_missing,
        words.task_helped_note,
        words.checkin_change,
        words.learning,
        NINAS_REPLY,
    ]
    if texts == "keep":
        assert [text for text in hers if text not in held] == []
    else:
        assert [line for line in held.splitlines() if any(text in line for text in hers)] == []
        # Others' words stay: Mia's answer, Lena's action item, the series.
        assert words.answer in held and words.action in held and words.series_title in held
    # Rows that count stay either way.
    assert fresh(Question, s.question.id) is not None and fresh(TaskFeedback, s.task.id).rating == 4
    assert fresh(Checkin, s.checkin.id).score == 4
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) >= 2


def test_no_row_anywhere_holds_her_name_or_address_after_erasure(app, s):
    nina = s.people["new_hire"]
    name, email = s.words.new_hire, nina.email
    assert name in everything() and email in everything()
    erase(as_admin(app, s), nina)
    assert [line for line in everything().splitlines() if name.lower() in line.lower() or email in line.lower()] == []


def test_mail_to_an_erased_person_is_never_sent(app, s, smtp, jobs):
    nina = s.people["new_hire"]
    erase(as_admin(app, s), nina)
    from app.mail.outgoing import send_mail

    send_mail(
        "after-erasure",
        "reply_refused",
        fresh(User, nina.id),
        "Your reply was not posted",
        "mail/reply_refused",
        {"subject": "x", "why": "y", "text": ""},
    )
    db.session.commit()
    jobs.run()
    assert not [env for env in smtp.received if any(".invalid" in rcpt or rcpt == nina.email for rcpt in env.rcpt_tos)]
    row = db.session.scalar(sa.select(OutboundMail).where(OutboundMail.key == "after-erasure"))
    assert row.status == MailStatus.SUPPRESSED


def test_dashboard_figures_of_her_team_do_not_change(app, s):
    admin = as_admin(app, s)
    tables = ("reply-times", "questions", "trend", "skill-gaps", "feedback", "mentor-load", "mentorships")
    # She left first: leaving withdraws her open questions and ends her mentorship, which
    # the figures of now show; erasing her afterwards moves none of them.
    assert admin.post(f"/admin/people/{s.people['new_hire'].id}/deactivate").status_code == 302

    def read(table: str) -> str:
        response = admin.get(f"/feedback/dashboard/export/{table}.csv?team={s.team.id}&period=quarter")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    before = {table: read(table) for table in tables}
    comments = read("comments")
    assert s.words.task_missing in comments
    erase(admin, s.people["new_hire"])
    assert {table: read(table) for table in tables} == before
    after = read("comments")
    assert after.count("\n") == comments.count("\n") and s.words.task_missing in after
    assert s.words.new_hire not in after


def test_the_download_and_the_erasure_are_refused_to_everyone_but_admins(app, s):
    nina = s.people["new_hire"]
    before = database_state()
    for role in ("new_hire", "other_new_hire", "mentor", "lead"):
        browser = Browser(app, s.people[role])
        assert download(browser, nina).status_code == 403
        assert browser.get(f"/admin/people/{nina.id}/erase").status_code == 403
    assert database_state() == before
    assert json.loads(download(as_admin(app, s), nina).data)["person_id"] == nina.id


def test_people_list_says_who_was_erased(app, s):
    nina = s.people["new_hire"]
    admin = as_admin(app, s)
    erase(admin, nina)
    page = admin.get("/admin/people").get_data(as_text=True)
    assert f"Former member {nina.id}" in page and "Erased" in page
    assert s.words.new_hire not in page and "nina@example.com" not in page


def test_invitations_to_others_name_an_erased_organizer_no_more_and_stay_valid(app, s):
    lena, words = s.people["lead"], s.words
    email = lena.email

    def invites():
        return db.session.scalars(
            sa.select(OutboundMail).where(OutboundMail.calendar.is_not(None), OutboundMail.user_id != lena.id)
        ).all()

    assert invites() and all(words.lead in mail.calendar.replace("\r\n ", "") for mail in invites())
    erase(as_admin(app, s), lena)
    db.session.expire_all()
    for mail in invites():
        assert words.lead not in mail.calendar.replace("\r\n ", ""), mail.calendar
        assert email not in mail.calendar.replace("\r\n ", "")
        assert f"Former member {lena.id}" in mail.calendar.replace("\r\n ", "")
        assert all(len(line.encode()) <= 75 for line in mail.calendar.split("\r\n"))
        event = Calendar.from_ical(mail.calendar).walk("VEVENT")[0]
        assert str(event["SUMMARY"]) == words.series_title
