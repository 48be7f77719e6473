"""The series pages: a lead sets up the team's weekly series and everyone gets the invite;
bad input is refused with a message by its field and saves nothing; skipping, moving,
restoring and cancelling reach people's calendars with a higher SEQUENCE; guests come and
go; members see the slot and their own answer; and nobody else sees or changes anything."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from icalendar import Calendar
from markupsafe import escape

from app.extensions import db
from app.people.models import Role, Team, User
from sessions.series import services
from sessions.models import SeriesMember, SessionSeries, SessionWeek, WeekAnswer
from sessions.series.schedule import long_date


def coming(weekday: int, weeks_later: int = 0) -> date:
    """A date with this weekday, one to seven days from today, and some weeks later."""
    day = date.today() + timedelta(days=1)
    return day + timedelta(days=(weekday - day.weekday()) % 7, weeks=weeks_later)


TUESDAY = coming(1)


def form(**changes) -> dict:
    values = dict(title="What did we learn?", weekday="1", start_time="10:00", duration_minutes="30",
                  timezone="Europe/Berlin", first_date=TUESDAY.isoformat(), until="",
                  location="https://meet.example.com/retro", description="Bring one thing you learned.")
    return {**values, **changes}


@dataclass
class Cast:
    team: Team
    lead: User
    member: User
    other_lead: User
    other_new_hire: User
    admin: User

    def person(self, who: str) -> User | None:
        return None if who == "anonymous" else getattr(self, who)


@pytest.fixture
def cast(make, jobs) -> Cast:
    team, platform = make.team("Payments"), make.team("Platform")
    lead = make.user("Lea Lead", "lea@example.com", roles=(Role.LEAD, Role.MENTOR), team=team)
    other_lead = make.user("Otto Other", "otto@example.com", roles=(Role.LEAD,), team=platform)
    team.lead, platform.lead = lead, other_lead
    db.session.commit()
    return Cast(team=team, lead=lead, member=make.user("Ana Alvarez", "ana@example.com", team=team),
                other_lead=other_lead, other_new_hire=make.user("Olli Outside", "olli@example.com", team=platform),
                admin=make.admin(name="Ada Admin", email="ada@example.com", timezone="America/New_York"))


def set_up(cast: Cast, jobs=None, **changes) -> SessionSeries:
    """A series of the team, as its lead set it up; the invites sent when `jobs` is given."""
    values = dict(title="What did we learn?", weekday=1, start_time=time(10), duration_minutes=30,
                  timezone="Europe/Berlin", first_date=TUESDAY, location="Room Fjord")
    series_id, _ = services.create_series(cast.team.id, cast.lead.id, services.SeriesFields(**{**values, **changes}))
    db.session.commit()
    if jobs is not None:
        jobs.run()
    return db.session.get(SessionSeries, series_id)


def fresh(series: SessionSeries) -> SessionSeries:
    db.session.expire_all()
    return db.session.get(SessionSeries, series.id)


def snapshot(series: SessionSeries) -> tuple:
    """Everything a change to the series could touch."""
    row = fresh(series)
    return (row.title, row.weekday, row.start_time, row.duration_minutes, row.timezone, row.first_date, row.until,
            row.location, row.sequence, row.cancelled_at, row.names_shown,
            sorted((w.day, w.skipped, w.moved_start, w.moved_minutes) for w in row.weeks),
            sorted((m.user_id, m.guest, m.left_at is None) for m in row.members))


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def invites_to(smtp, person: User) -> list[Calendar]:
    """The calendar messages mailed to the person, oldest first."""
    found = []
    for mail in smtp.messages():
        if mail["To"].addresses[0].addr_spec == person.email:
            [part] = [p for p in mail.iter_parts() if p.get_content_type() == "text/calendar"]
            found.append(Calendar.from_ical(part.get_payload(decode=True)))
    return found


def sequence_and_method(calendar: Calendar) -> tuple[int, str]:
    return int(calendar.walk("VEVENT")[0]["SEQUENCE"]), str(calendar["METHOD"])


def shown(page: str, message: str) -> bool:
    """Whether the page shows the message (as HTML writes it)."""
    return str(escape(message)) in page


# Setting up


def test_a_lead_sets_up_a_series_and_everyone_in_the_team_gets_the_invite(client, auth, cast, jobs, smtp):
    auth.sign_in(cast.lead)
    page = client.get("/sessions/new").text
    assert 'value="Europe/Berlin"' in page and "For the team <strong>Payments</strong>" in page

    response = client.post("/sessions/new", data=form())
    [series] = db.session.scalars(sa.select(SessionSeries)).all()
    assert response.status_code == 302 and response.headers["Location"] == f"/sessions/{series.id}"
    assert (series.team_id, series.organizer.id, series.title, series.weekday, series.start_time,
            series.duration_minutes, series.timezone, series.first_date, series.until, series.location) == (
        cast.team.id, cast.lead.id, "What did we learn?", 1, time(10), 30, "Europe/Berlin", TUESDAY, None,
        "https://meet.example.com/retro")
    assert {m.user_id for m in series.members} == {cast.lead.id, cast.member.id}

    page = client.get(response.headers["Location"]).text
    assert shown(page, "The series is saved. Everyone in Payments gets an invite by email.")
    assert f"Tuesday {long_date(TUESDAY)}, 10:00–10:30 (Europe/Berlin)" in page

    jobs.run()
    for person in (cast.lead, cast.member):
        [invite] = invites_to(smtp, person)
        assert sequence_and_method(invite) == (0, "REQUEST")
    assert invites_to(smtp, cast.other_new_hire) == []


def test_an_admin_chooses_the_team_and_its_lead_organises(client, auth, cast):
    auth.sign_in(cast.admin)
    page = client.get(f"/sessions/new?team_id={cast.team.id}").text
    assert f'<option selected value="{cast.team.id}">Payments</option>' in page
    assert client.post("/sessions/new", data=form(team_id=str(cast.team.id))).status_code == 302
    series = db.session.scalars(sa.select(SessionSeries)).one()
    assert (series.team_id, series.organizer.id) == (cast.team.id, cast.lead.id)


def test_a_lead_of_two_teams_chooses_one(client, auth, cast, make):
    second = make.team("Checkout", lead=cast.lead)
    auth.sign_in(cast.lead)
    page = client.get("/sessions/new").text
    assert '<select id="team_id" name="team_id">' in page and ">Checkout</option>" in page
    assert client.post("/sessions/new", data=form(team_id=str(second.id))).status_code == 302
    assert db.session.scalars(sa.select(SessionSeries.team_id)).all() == [second.id]


def test_a_lead_cannot_set_up_a_series_for_another_team(client, auth, cast):
    auth.sign_in(cast.lead)
    platform = cast.other_lead.team
    assert client.post("/sessions/new", data=form(team_id=str(platform.id))).status_code == 302
    assert db.session.scalars(sa.select(SessionSeries.team_id)).all() == [cast.team.id]


BAD_INPUT = [
    ("timezone", "Europe/Berlinn", "'Europe/Berlinn' is not a known time zone (use a name such as Europe/Berlin)."),
    ("until", (TUESDAY - timedelta(days=7)).isoformat(),
     f"The end date ({long_date(TUESDAY - timedelta(days=7))}) is before the first date ({long_date(TUESDAY)})."),
    ("duration_minutes", "0", "A session must last at least one minute."),
    ("duration_minutes", "481", "A session can last at most 8 hours (480 minutes)."),
    ("duration_minutes", "half an hour", "Give the length in whole minutes, such as 30."),
    ("start_time", "25:00", "Give the time as hours and minutes, such as 10:00."),
    ("first_date", "", "Give the date as year-month-day, such as 2026-12-01."),
    ("title", "   ", "Give the session a title."),
]


@pytest.mark.parametrize("name, value, message", BAD_INPUT)
def test_bad_input_is_named_by_its_field_and_saves_nothing(client, auth, cast, jobs, name, value, message):
    auth.sign_in(cast.lead)
    queued = jobs.count()
    response = client.post("/sessions/new", data={**form(location="Room <Fjord>"), name: value})
    assert response.status_code == 400
    assert f'<p class="error" role="alert">{escape(message)}</p>' in response.text
    assert 'value="Room &lt;Fjord&gt;"' in response.text  # what was typed stays
    assert count(SessionSeries) == count(SeriesMember) == 0
    assert jobs.count() == queued


@pytest.mark.parametrize("name, value, message", BAD_INPUT)
def test_a_bad_change_keeps_the_series_as_it_was(client, auth, cast, jobs, smtp, name, value, message):
    series = set_up(cast, jobs)
    before, mails = snapshot(series), len(smtp.received)
    auth.sign_in(cast.lead)
    response = client.post(f"/sessions/{series.id}/edit", data={**form(location="Room <Fjord>"), name: value})
    assert response.status_code == 400 and f'<p class="error" role="alert">{escape(message)}</p>' in response.text
    assert 'value="Room &lt;Fjord&gt;"' in response.text
    assert snapshot(series) == before
    jobs.run()
    assert len(smtp.received) == mails


def test_a_change_of_time_updates_everyones_calendar_and_asks_again(client, auth, cast, jobs, smtp):
    series = set_up(cast, jobs)
    member = next(m for m in series.members if m.user_id == cast.member.id)
    member.partstat = "ACCEPTED"
    db.session.commit()
    auth.sign_in(cast.lead)
    response = client.post(f"/sessions/{series.id}/edit", data=form(start_time="11:15"), follow_redirects=True)
    assert shown(response.text, "The series is changed. Everyone's calendar gets the update.")
    row = fresh(series)
    assert (row.start_time, row.sequence) == (time(11, 15), 1)
    assert {m.partstat for m in row.members} == {"NEEDS-ACTION"}
    jobs.run()
    assert [sequence_and_method(c) for c in invites_to(smtp, cast.member)] == [(0, "REQUEST"), (1, "REQUEST")]

    again = client.post(f"/sessions/{series.id}/edit", data=form(start_time="11:15"), follow_redirects=True)
    assert "Nothing changed." in again.text and fresh(series).sequence == 1


def test_a_new_weekday_drops_the_changes_made_to_single_weeks_and_says_so(client, auth, cast):
    series = set_up(cast)
    skipped = coming(1, 1)
    services.skip_week(series.id, skipped)
    db.session.commit()
    auth.sign_in(cast.lead)
    response = client.post(f"/sessions/{series.id}/edit", data=form(weekday="3"), follow_redirects=True)
    assert shown(response.text, f"The change made for the week of {long_date(skipped)} no longer applies.")
    row = fresh(series)
    assert (row.weekday, [w.skipped for w in row.weeks], row.sequence) == (3, [False], 2)


def test_a_start_time_a_clock_change_skips_or_repeats_is_saved_and_said(client, auth, cast):
    auth.sign_in(cast.lead)
    sunday = coming(6)
    response = client.post("/sessions/new", data=form(weekday="6", start_time="02:30", first_date=sunday.isoformat()),
                           follow_redirects=True)
    page = response.text
    assert response.status_code == 200
    assert re.search(r"02:30 does not exist on \d+ March \d{4} in Europe/Berlin; the session starts at 03:30\.", page)
    assert re.search(r"02:30 occurs twice on \d+ October \d{4} in Europe/Berlin; "
                     r"the session starts at the first 02:30 \(CEST\)\.", page)
    series = db.session.scalars(sa.select(SessionSeries)).one()
    assert (series.weekday, series.start_time) == (6, time(2, 30))


# One week


def test_skip_move_and_restore_reach_everyones_calendar(client, auth, cast, jobs, smtp):
    series = set_up(cast, jobs)
    second, third = coming(1, 1), coming(1, 2)
    auth.sign_in(cast.lead)

    skipped = client.post(f"/sessions/{series.id}/weeks/{second}/skip", follow_redirects=True)
    assert shown(skipped.text, f"The week of {long_date(second)} is skipped. Everyone's calendar drops that session.")
    assert re.search(rf'data-day="{second}">\s*<td>[^<]*<span class="tag">Skipped</span>', skipped.text)
    assert fresh(series).sequence == 1

    wednesday = third + timedelta(days=1)
    page = client.get(f"/sessions/{series.id}/weeks/{third}/move").text
    assert f'value="{third}"' in page and 'value="10:00"' in page and 'value="30"' in page
    moved = client.post(f"/sessions/{series.id}/weeks/{third}/move",
                        data={"date": wednesday.isoformat(), "time": "14:30", "duration_minutes": "45"},
                        follow_redirects=True)
    assert shown(moved.text, f"The week of {long_date(third)} is moved. Everyone's calendar gets the new time.")
    assert f"Wednesday {long_date(wednesday)}, 14:30–15:15 (Europe/Berlin)" in moved.text
    week = db.session.scalars(sa.select(SessionWeek).where(SessionWeek.day == third)).one()
    assert (week.moved_start.date(), week.moved_start.time(), week.moved_minutes) == (wednesday, time(14, 30), 45)
    assert fresh(series).sequence == 2

    jobs.run()
    latest = invites_to(smtp, cast.member)[-1]
    assert sequence_and_method(latest) == (2, "REQUEST")
    master, override = latest.walk("VEVENT")
    assert [d.dt.date() for d in master["EXDATE"].dts] == [second]
    assert override["RECURRENCE-ID"].dt.date() == third

    for day in (second, third):
        client.post(f"/sessions/{series.id}/weeks/{day}/restore")
    row = fresh(series)
    assert row.sequence == 4 and [(w.skipped, w.moved_start) for w in row.weeks] == [(False, None), (False, None)]
    jobs.run()
    assert sequence_and_method(invites_to(smtp, cast.member)[-1]) == (4, "REQUEST")
    assert "EXDATE" not in invites_to(smtp, cast.member)[-1].walk("VEVENT")[0]


@pytest.mark.parametrize("data, message", [
    ({"date": TUESDAY.isoformat(), "time": "10:00", "duration_minutes": "0"},
     "A session must last at least one minute."),
    ({"date": TUESDAY.isoformat(), "time": "10:00", "duration_minutes": "600"},
     "A session can last at most 8 hours (480 minutes)."),
    ({"date": (date.today() - timedelta(days=1)).isoformat(), "time": "10:00", "duration_minutes": ""},
     "Choose a date and time that are still to come."),
    ({"date": "next week", "time": "10:00", "duration_minutes": ""},
     "Give the date as year-month-day, such as 2026-12-01."),
])
def test_a_bad_move_says_why_and_changes_nothing(client, auth, cast, jobs, data, message):
    series = set_up(cast, jobs)
    before, queued = snapshot(series), jobs.count()
    auth.sign_in(cast.lead)
    response = client.post(f"/sessions/{series.id}/weeks/{TUESDAY}/move", data=data)
    assert response.status_code == 400 and shown(response.text, message)
    assert snapshot(series) == before and jobs.count() == queued


@pytest.mark.parametrize("day", ["garbage", "2026-02-30", (TUESDAY + timedelta(days=1)).isoformat(),
                                 (TUESDAY - timedelta(weeks=1)).isoformat()])
def test_a_date_that_is_no_session_of_the_series_is_not_found(client, auth, cast, day):
    series = set_up(cast)
    auth.sign_in(cast.lead)
    assert client.post(f"/sessions/{series.id}/weeks/{day}/skip").status_code == 404
    assert client.get(f"/sessions/{series.id}/weeks/{day}/move").status_code == 404
    assert fresh(series).weeks == []


# The series as a whole


def test_cancelling_needs_the_tick_and_then_ends_the_series_for_everyone(client, auth, cast, jobs, smtp):
    series = set_up(cast, jobs)
    auth.sign_in(cast.lead)
    unticked = client.post(f"/sessions/{series.id}/cancel", follow_redirects=True)
    assert shown(unticked.text, "Tick the box to confirm; the series stays as it is.")
    assert fresh(series).cancelled_at is None and fresh(series).sequence == 0

    done = client.post(f"/sessions/{series.id}/cancel", data={"confirm": "y"}, follow_redirects=True)
    assert "The series is cancelled." in done.text and ">Skip</button>" not in done.text
    row = fresh(series)
    assert row.cancelled_at is not None and row.sequence == 1
    jobs.run()
    for person in (cast.lead, cast.member):
        assert sequence_and_method(invites_to(smtp, person)[-1]) == (1, "CANCEL")
    listed = client.get("/sessions/").text
    assert '<span class="tag">Cancelled</span>' in listed and "None: the series is cancelled" in listed
    assert client.get(f"/sessions/{series.id}/edit", follow_redirects=True).request.path == f"/sessions/{series.id}"


def test_a_guest_is_invited_by_email_and_removed(client, auth, cast, jobs, smtp):
    series = set_up(cast, jobs)
    auth.sign_in(cast.lead)
    added = client.post(f"/sessions/{series.id}/guests", data={"email": " Olli@Example.com "}, follow_redirects=True)
    assert shown(added.text, "Olli Outside is invited as a guest and gets the invite by email.")
    assert re.search(r'Olli Outside <span class="tag">Guest</span>', added.text)
    guest = db.session.scalars(sa.select(SeriesMember).where(SeriesMember.user_id == cast.other_new_hire.id)).one()
    assert (guest.guest, guest.left_at, fresh(series).sequence) == (True, None, 1)
    jobs.run()
    assert [sequence_and_method(c) for c in invites_to(smtp, cast.other_new_hire)] == [(1, "REQUEST")]

    unknown = client.post(f"/sessions/{series.id}/guests", data={"email": "nobody@example.com"}, follow_redirects=True)
    assert shown(unknown.text, "Nobody active in Unstuck has the address nobody@example.com; a guest needs an account.")
    again = client.post(f"/sessions/{series.id}/guests", data={"email": cast.member.email}, follow_redirects=True)
    assert shown(again.text, "Ana Alvarez is already invited.")
    assert fresh(series).sequence == 1

    removed = client.post(f"/sessions/{series.id}/guests/{cast.other_new_hire.id}/remove", follow_redirects=True)
    assert shown(removed.text, "Olli Outside is no longer invited; their calendar gets the cancellation.")
    jobs.run()
    assert sequence_and_method(invites_to(smtp, cast.other_new_hire)[-1]) == (2, "CANCEL")
    assert client.post(f"/sessions/{series.id}/guests/{cast.member.id}/remove").status_code == 404
    auth.sign_out()
    auth.sign_in(cast.other_new_hire)
    assert client.get(f"/sessions/{series.id}").status_code == 404


def test_the_lead_sees_who_cannot_get_invites_and_they_are_not_mailed(client, auth, cast, jobs, smtp, make):
    broken = make.user("Bo Broken", "bo.example.com", team=cast.team)
    series = set_up(cast, jobs)
    auth.sign_in(cast.lead)
    page = client.get(f"/sessions/{series.id}").text
    assert "Bo Broken has no valid email address; they get no invite." in page
    mailed = [address for envelope in smtp.received for address in envelope.rcpt_tos]
    assert cast.member.email in mailed and broken.email not in mailed


def test_the_lead_turns_names_on_and_off(client, auth, cast):
    series = set_up(cast)
    auth.sign_in(cast.lead)
    assert "<strong>anonymous</strong>" in client.get(f"/sessions/{series.id}").text
    shown = client.post(f"/sessions/{series.id}/names", data={"shown": "1", "prompt_hours": "24"},
                        follow_redirects=True)
    assert "Learnings now show who wrote them." in shown.text and "<strong>shown with names</strong>" in shown.text
    assert fresh(series).names_shown is True
    client.post(f"/sessions/{series.id}/names", data={"shown": "0", "prompt_hours": "24"})
    assert fresh(series).names_shown is False


def test_the_lead_chooses_how_long_before_people_are_asked_for_learnings(client, auth, cast):
    series = set_up(cast)
    auth.sign_in(cast.lead)
    changed = client.post(f"/sessions/{series.id}/names", data={"shown": "0", "prompt_hours": "48"},
                          follow_redirects=True)
    assert "asked for them 48 hours before each session" in changed.text
    assert fresh(series).prompt_hours == 48

    for bad in ("0", "169", "two", ""):
        refused = client.post(f"/sessions/{series.id}/names", data={"shown": "1", "prompt_hours": bad})
        assert refused.status_code == 400
        assert "Give a whole number of hours from 1 to 168 (a week)." in refused.text
        assert (fresh(series).prompt_hours, fresh(series).names_shown) == (48, False)


# What each person sees


def test_answers_show_to_the_lead_and_each_member_sees_their_own(client, auth, cast, jobs, make):
    bo = make.user("Bo Berg", "bo@example.com", team=cast.team, timezone="Asia/Tokyo")
    series = set_up(cast, jobs)
    second = coming(1, 1)
    for member in series.members:
        member.partstat = {cast.member.id: "ACCEPTED", bo.id: "TENTATIVE"}.get(member.user_id, "NEEDS-ACTION")
    week = services.week_row(series, second)
    db.session.add(WeekAnswer(week_id=week.id, user_id=cast.member.id, partstat="DECLINED"))
    db.session.commit()

    auth.sign_in(cast.lead)
    page = client.get(f"/sessions/{series.id}").text
    assert f"{second.day} {second:%B}: Declined" in page
    first_week, second_week = (page.split(f'data-day="{day}"')[1] for day in (TUESDAY, second))
    assert "Accepted: 1 · Tentative: 1 · No answer yet: 1" in first_week.split("</tr>")[0]
    assert "Declined: 1 · Tentative: 1 · No answer yet: 1" in second_week.split("</tr>")[0]
    auth.sign_out()

    auth.sign_in(bo)
    page = client.get(f"/sessions/{series.id}").text
    assert "Tentative." in page and "Ana Alvarez" not in page and ">Skip</button>" not in page
    assert "Your time: " in page and "(Asia/Tokyo)" in page
    assert f"Tuesday {long_date(TUESDAY)}, 10:00–10:30 (Europe/Berlin)" in page
    auth.sign_out()
    auth.sign_in(cast.member)
    page = client.get(f"/sessions/{series.id}").text
    assert f"For single weeks: {second.day} {second:%B}: Declined" in page and "Your time" not in page


def test_the_list_shows_each_persons_series_with_the_next_session_in_their_time(client, auth, cast, make):
    ours = set_up(cast, title="Payments weekly")
    theirs_id, _ = services.create_series(cast.other_lead.team_id, cast.other_lead.id, services.SeriesFields(
        title="Platform weekly", weekday=4, start_time=time(9), duration_minutes=30, timezone="Europe/London",
        first_date=TUESDAY))
    db.session.commit()
    auth.sign_in(cast.admin)
    listed = client.get("/sessions/").text
    assert "Payments weekly" in listed and "Platform weekly" in listed and ">New series</a>" in listed
    start = datetime.combine(TUESDAY, time(10), ZoneInfo("Europe/Berlin")).astimezone(ZoneInfo("America/New_York"))
    assert f"{long_date(start.date())}, {start:%H:%M}–" in listed and "(America/New_York)" in listed
    auth.sign_out()
    auth.sign_in(cast.member)
    listed = client.get("/sessions/").text
    assert "Payments weekly" in listed and "Platform weekly" not in listed and "New series" not in listed
    assert f'href="/sessions/{ours.id}"' in listed and f'href="/sessions/{theirs_id}"' not in listed


def test_user_text_is_shown_escaped(client, auth, cast):
    series = set_up(cast, title="<script>alert(1)</script>", location="javascript:alert(2)",
                    description="<b>bold</b>")
    auth.sign_in(cast.member)
    for page in (client.get(f"/sessions/{series.id}").text, client.get("/sessions/").text):
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    page = client.get(f"/sessions/{series.id}").text
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and 'href="javascript:' not in page


# Who may


GET_PAGES = {"list": "/sessions/", "new": "/sessions/new", "series": "/sessions/{id}",
             "edit": "/sessions/{id}/edit", "move": "/sessions/{id}/weeks/{day}/move"}
CHANGES = {
    "edit": ("/sessions/{id}/edit", form(title="Changed")),
    "skip": ("/sessions/{id}/weeks/{next}/skip", {}),
    "move": ("/sessions/{id}/weeks/{day}/move", {"date": TUESDAY.isoformat(), "time": "16:00"}),
    "restore": ("/sessions/{id}/weeks/{day}/restore", {}),
    "guests": ("/sessions/{id}/guests", {"email": "olli@example.com"}),
    "remove guest": ("/sessions/{id}/guests/{guest}/remove", {}),
    "names": ("/sessions/{id}/names", {"shown": "1", "prompt_hours": "24"}),
    "cancel": ("/sessions/{id}/cancel", {"confirm": "y"}),
}
PEOPLE = ["anonymous", "member", "other_new_hire", "other_lead", "lead", "admin"]
SEES = {"anonymous": 302, "member": 200, "other_new_hire": 404, "other_lead": 404, "lead": 200, "admin": 200}
MANAGES = {"anonymous": 302, "member": 403, "other_new_hire": 404, "other_lead": 404, "lead": 200, "admin": 200}
PAGE_STATUS = {
    "list": {who: 302 if who == "anonymous" else 200 for who in PEOPLE},
    "new": {"anonymous": 302, "member": 403, "other_new_hire": 403, "other_lead": 200, "lead": 200, "admin": 200},
    "series": SEES, "edit": MANAGES, "move": MANAGES,
}
CHANGE_STATUS = {"anonymous": 401, "member": 403, "other_new_hire": 404, "other_lead": 404, "lead": 302,
                 "admin": 302}


def scene(cast: Cast, make) -> tuple[SessionSeries, dict]:
    series = set_up(cast)
    guest = make.user("Gus Guest", "gus@example.com")
    services.add_guest(series.id, guest.id)
    services.skip_week(series.id, TUESDAY)
    db.session.commit()
    return series, {"id": series.id, "day": TUESDAY.isoformat(), "next": coming(1, 1).isoformat(), "guest": guest.id}


@pytest.mark.parametrize("page, who", [(p, w) for p in GET_PAGES for w in PEOPLE])
def test_who_sees_each_page(client, auth, cast, make, page, who):
    series, ids = scene(cast, make)
    if who != "anonymous":
        auth.sign_in(cast.person(who))
    response = client.get(GET_PAGES[page].format(**ids))
    assert response.status_code == PAGE_STATUS[page][who]
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/sign-in")
    if response.status_code in (403, 404):
        assert series.title not in response.text


@pytest.mark.parametrize("change, who", [(c, w) for c in CHANGES for w in PEOPLE])
def test_only_the_lead_and_admins_change_a_series(client, auth, cast, make, change, who):
    series, ids = scene(cast, make)
    before = snapshot(series)
    if who != "anonymous":
        auth.sign_in(cast.person(who))
    path, data = CHANGES[change]
    response = client.post(path.format(**ids), data=data)
    assert response.status_code == CHANGE_STATUS[who]
    after = snapshot(series)
    assert (after == before) is (CHANGE_STATUS[who] != 302)


def test_a_change_without_the_forms_token_is_refused(app, client, auth, cast):
    series = set_up(cast)
    auth.sign_in(cast.lead)
    app.config["WTF_CSRF_ENABLED"] = True
    before = snapshot(series)
    forged = client.post(f"/sessions/{series.id}/weeks/{TUESDAY}/skip")
    assert forged.status_code == 400 and snapshot(series) == before
    page = client.get(f"/sessions/{series.id}").text
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    sent = client.post(f"/sessions/{series.id}/weeks/{TUESDAY}/skip", data={"csrf_token": token})
    assert sent.status_code == 302 and fresh(series).sequence == 1
