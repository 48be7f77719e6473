"""The mail settings page: choosing how often questions that can wait arrive, bad input,
CSRF, and turning digests back on after an unsubscribe."""

from __future__ import annotations

import pytest

from app.extensions import db, utcnow
from app.help.digest_settings import next_digest_for
from app.help.models import DigestFrequency, DigestSetting
from app.mail.outgoing.unsubscribe import opt_out, opted_out
from app.times import time_with_zone

PAGE = "/help/mail-settings"


def saved(person) -> tuple | None:
    db.session.expire_all()
    setting = db.session.get(DigestSetting, person.id)
    return None if setting is None else (setting.frequency, setting.minute_of_day, setting.weekday)


@pytest.mark.parametrize(("method", "status"), [("get", 302), ("post", 401)])
def test_signed_out_people_cannot_see_or_change_it(client, method, status):
    response = getattr(client, method)(PAGE, data={"frequency": "daily", "time": "09:00", "weekday": "0"})
    assert response.status_code == status


def test_the_page_shows_the_default_the_time_zone_and_the_next_digest(make, client, auth):
    mia = make.mentor(name="Mia Mentor", timezone="America/New_York")
    auth.sign_in(mia)
    page = client.get(PAGE).get_data(as_text=True)
    assert 'id="current-setting">hourly<' in page
    assert "America/New_York" in page
    assert '<input checked id="frequency-1" name="frequency" required type="radio" value="hourly">' in page
    next_digest = time_with_zone(next_digest_for(mia, utcnow()), "America/New_York")
    assert next_digest.split(" ", 1)[1] in page  # the day and zone; the minute may have turned


def test_a_mentor_chooses_a_weekly_digest_at_a_local_time(make, client, auth):
    mia = make.mentor(timezone="Europe/Berlin")
    auth.sign_in(mia)
    response = client.post(PAGE, data={"frequency": "weekly", "time": "17:30", "weekday": "4"})
    assert response.status_code == 302
    assert saved(mia) == (DigestFrequency.WEEKLY, 17 * 60 + 30, 4)

    page = client.get(PAGE).get_data(as_text=True)
    assert "Saved. You will hear of questions that can wait weekly on Friday at 17:30." in page
    assert 'id="current-setting">weekly on Friday at 17:30<' in page
    assert "17:30 Friday" in page  # the next digest, in their time
    assert 'value="17:30"' in page

    client.post(PAGE, data={"frequency": "at_once", "time": "17:30", "weekday": "4"})
    assert saved(mia)[0] == DigestFrequency.AT_ONCE
    assert "A question that can wait reaches you when it comes." in client.get(PAGE).get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"frequency": "daily", "time": "25:99", "weekday": "0"}, "Enter a time of day as HH:MM, such as 09:00."),
        ({"frequency": "daily", "time": "9 o'clock", "weekday": "0"}, "Enter a time of day as HH:MM, such as 09:00."),
        ({"frequency": "daily", "time": "", "weekday": "0"}, "Enter a time as HH:MM."),
        ({"frequency": "weekly", "time": "09:00", "weekday": "9"}, "Choose a day of the week."),
        ({"frequency": "weekly", "time": "09:00", "weekday": "Mon"}, "Choose a day of the week."),
        ({"frequency": "monthly", "time": "09:00", "weekday": "0"}, "Choose one of the frequencies shown."),
        ({"time": "09:00", "weekday": "0"}, "Choose how often."),
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(make, client, auth, data, message):
    mia = make.mentor()
    db.session.add(DigestSetting(user_id=mia.id, frequency=DigestFrequency.DAILY, minute_of_day=8 * 60, weekday=2))
    db.session.commit()
    auth.sign_in(mia)
    response = client.post(PAGE, data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert saved(mia) == (DigestFrequency.DAILY, 8 * 60, 2)


def test_a_post_without_the_csrf_token_changes_nothing(app, make, client, auth):
    mia = make.mentor()
    auth.sign_in(mia)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(PAGE, data={"frequency": "daily", "time": "09:00", "weekday": "0"})
    assert response.status_code == 400
    assert "The CSRF token is missing." in response.get_data(as_text=True)
    assert saved(mia) is None


def test_the_page_says_so_when_unsubscribed_and_saving_turns_digests_back_on(make, client, auth):
    mia = make.mentor()
    opt_out(mia.id, "digest")
    db.session.commit()
    auth.sign_in(mia)
    page = client.get(PAGE).get_data(as_text=True)
    assert "You unsubscribed from question digests" in page
    assert "Saving a frequency here turns digests back on." in page

    client.post(PAGE, data={"frequency": "daily", "time": "08:15", "weekday": "0"})
    assert not opted_out(mia.id, "digest")
    assert "You unsubscribed" not in client.get(PAGE).get_data(as_text=True)


def test_each_person_sees_and_changes_only_their_own(make, client, auth):
    mia, max_ = make.mentor(), make.mentor()
    db.session.add(DigestSetting(user_id=max_.id, frequency=DigestFrequency.WEEKLY, minute_of_day=600, weekday=3))
    db.session.commit()
    auth.sign_in(mia)
    assert 'id="current-setting">hourly<' in client.get(PAGE).get_data(as_text=True)
    client.post(PAGE, data={"frequency": "daily", "time": "07:00", "weekday": "0"})
    assert saved(max_) == (DigestFrequency.WEEKLY, 600, 3)
    assert saved(mia) == (DigestFrequency.DAILY, 420, 0)


def test_the_questions_for_you_page_links_here(make, client, auth):
    auth.sign_in(make.mentor())
    page = client.get("/help/for-you").get_data(as_text=True)
    assert f'href="{PAGE}"' in page
