"""The personal calendar feed: each person's secret address serves the sessions they are
invited to or lead, published without attendees for a calendar app to fetch on its own;
making a new address kills the old one, and nobody needs to sign in to fetch it."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest
import recurring_ical_events
import sqlalchemy as sa

from app.extensions import db
from app.people.models import Role, User
from sessions.models import CalendarFeed, SessionSeries
from sessions.series import services
from tests.sessions.calendars import BERLIN, read
from tests.sessions.weekly import weekly_series

FEED_ADDRESS = re.compile(r'value="http://localhost/sessions/feed/([A-Za-z0-9_-]+)\.ics"')


def coming_tuesday(weeks_later: int = 0) -> date:
    day = date.today() + timedelta(days=1)
    return day + timedelta(days=(1 - day.weekday()) % 7, weeks=weeks_later)


@pytest.fixture
def world(make):
    """Two teams with a series each, and a cancelled series of the first."""
    payments, platform = make.team("Payments"), make.team("Platform")
    lea = make.user("Lea Lead", "lea@example.com", roles=(Role.LEAD,), team=payments)
    otto = make.user("Otto Other", "otto@example.com", roles=(Role.LEAD,), team=platform)
    payments.lead, platform.lead = lea, otto
    db.session.commit()
    make.user("Ana Álvarez", "ana@example.com", team=payments)
    make.user("Bo Berg", "bo@example.com", team=platform)

    def set_up(team, lead, title, **changes) -> int:
        values = dict(title=title, duration_minutes=45, location="Room Fjord")
        series_id = weekly_series(team.id, lead.id, coming_tuesday(), **{**values, **changes})
        db.session.commit()
        return series_id

    ids = {
        "payments": set_up(payments, lea, "Payments learns <together>"),
        "platform": set_up(platform, otto, "Platform retro", weekday=3, timezone="America/New_York"),
        "old": set_up(payments, lea, "Old Friday retro", weekday=4),
    }
    services.cancel_series(ids["old"])
    db.session.commit()
    return ids


def person(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def uid(series_id: int) -> str:
    return db.session.get(SessionSeries, series_id).uid


def my_feed_token(client, auth, email: str) -> str:
    """Sign in, make the feed address on the page, read it from the page, sign out."""
    auth.sign_in(person(email))
    client.post("/sessions/feed")
    [token] = FEED_ADDRESS.findall(client.get("/sessions/feed").get_data(as_text=True))
    auth.sign_out()
    return token


def test_the_feed_publishes_the_persons_own_sessions_without_attendees(app, client, auth, world):
    token = my_feed_token(client, auth, "ana@example.com")
    response = client.get(f"/sessions/feed/{token}.ics")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response.headers["Cache-Control"]
    calendar = read(response.data)  # icalendar and vobject both read it without an error
    assert str(calendar["METHOD"]) == "PUBLISH"
    text = response.get_data(as_text=True)
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text and "X-PUBLISHED-TTL:PT1H\r\n" in text
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == uid(world["payments"])
    assert str(event["SUMMARY"]) == "Payments learns <together>"
    assert str(event["ORGANIZER"]) == "mailto:lea@example.com"  # the lead, not a reply address
    assert b"ATTENDEE" not in response.data
    assert b"X-WR-CALNAME" in response.data  # a feed is a calendar of its own, with a name
    assert (
        db.session.scalar(
            sa.select(CalendarFeed.last_fetched_at).where(CalendarFeed.user_id == person("ana@example.com").id)
        )
        is not None
    )


def test_each_person_gets_what_they_are_invited_to_or_lead(app, client, auth, world, make):
    make.user("Nina Nobody", "nina@example.com")
    for email, expected in [
        ("lea@example.com", ["payments"]),
        ("otto@example.com", ["platform"]),
        ("bo@example.com", ["platform"]),
        ("nina@example.com", []),
    ]:
        token = my_feed_token(client, auth, email)
        calendar = read(client.get(f"/sessions/feed/{token}.ics").data)
        assert sorted(str(e["UID"]) for e in calendar.walk("VEVENT")) == sorted(uid(world[k]) for k in expected)


def test_the_feed_follows_skips_and_moves_with_the_wall_clock_time(app, client, auth, world):
    series_id, first = world["payments"], coming_tuesday()
    services.skip_week(series_id, first + timedelta(weeks=1))
    services.move_week(
        series_id, first + timedelta(weeks=2), datetime.combine(first + timedelta(weeks=2, days=1), time(15))
    )
    db.session.commit()
    token = my_feed_token(client, auth, "ana@example.com")
    calendar = read(client.get(f"/sessions/feed/{token}.ics").data)

    start = datetime.combine(first, time(0), tzinfo=BERLIN)
    sessions = sorted(
        recurring_ical_events.of(calendar).between(start, start + timedelta(weeks=4)), key=lambda e: e["DTSTART"].dt
    )
    assert [(e["DTSTART"].dt.astimezone(BERLIN).replace(tzinfo=None)) for e in sessions] == [
        datetime.combine(first, time(10)),
        datetime.combine(first + timedelta(weeks=2, days=1), time(15)),
        datetime.combine(first + timedelta(weeks=3), time(10)),
    ]


def test_a_new_address_kills_the_old_one(app, client, auth, world):
    old = my_feed_token(client, auth, "ana@example.com")
    assert client.get(f"/sessions/feed/{old}.ics").status_code == 200

    auth.sign_in(person("ana@example.com"))
    response = client.post("/sessions/feed", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "The old address no longer works" in page
    [new] = FEED_ADDRESS.findall(page)
    assert new != old and len(new) >= 43
    auth.sign_out()

    assert client.get(f"/sessions/feed/{old}.ics").status_code == 404
    assert client.get(f"/sessions/feed/{new}.ics").status_code == 200


def test_the_address_names_nobody_and_a_token_shows_its_owners_feed_only(app, client, auth, world):
    anas = my_feed_token(client, auth, "ana@example.com")
    bos = my_feed_token(client, auth, "bo@example.com")
    ana = person("ana@example.com")
    # The address is /sessions/feed/<token>.ics and nothing else (FEED_ADDRESS): no id, no name.
    assert anas != bos and min(len(anas), len(bos)) >= 43

    auth.sign_in(ana)  # signed in as Ana, Bo's address still shows Bo's sessions only
    calendar = read(client.get(f"/sessions/feed/{bos}.ics").data)
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [uid(world["platform"])]


@pytest.mark.parametrize("token", ["", "nonsense", "x" * 43, "../feed"])
def test_an_unknown_token_finds_nothing(app, client, world, token):
    assert client.get(f"/sessions/feed/{token}.ics").status_code == 404


def test_the_feed_of_someone_deactivated_is_gone(app, client, auth, world):
    token = my_feed_token(client, auth, "bo@example.com")
    person("bo@example.com").active = False
    db.session.commit()
    assert client.get(f"/sessions/feed/{token}.ics").status_code == 404


def test_the_page_shows_no_address_until_one_is_made_and_lists_the_sessions_escaped(app, client, auth, world):
    auth.sign_in(person("ana@example.com"))
    page = client.get("/sessions/feed").get_data(as_text=True)
    assert FEED_ADDRESS.findall(page) == []
    assert "Make my feed address" in page
    assert "Payments learns &lt;together&gt;" in page and "<together>" not in page
    assert "Platform retro" not in page and "Old Friday retro" not in page

    page = client.post("/sessions/feed", follow_redirects=True).get_data(as_text=True)
    assert "Your feed address is below." in page
    [token] = FEED_ADDRESS.findall(page)
    assert f'href="webcal://localhost/sessions/feed/{token}.ics"' in page
    assert "No calendar has fetched it yet." in page
    client.get(f"/sessions/feed/{token}.ics")
    assert "A calendar last fetched it at" in client.get("/sessions/feed").get_data(as_text=True)


def test_the_feed_page_asks_anonymous_visitors_to_sign_in(app, client, world):
    response = client.get("/sessions/feed")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=/sessions/feed")
    assert client.post("/sessions/feed").status_code == 401
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarFeed)) == 0


def test_a_new_address_needs_the_forms_csrf_token(app, client, auth, world):
    old = my_feed_token(client, auth, "ana@example.com")
    auth.sign_in(person("ana@example.com"))
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/sessions/feed")
    assert response.status_code == 400
    assert "The CSRF token is missing." in response.get_data(as_text=True)
    assert client.get(f"/sessions/feed/{old}.ics").status_code == 200
