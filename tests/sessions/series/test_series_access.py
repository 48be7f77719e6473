"""Who sees what of a series: members see the slot and their own answer, the lead sees
everyone's, and nobody else sees or changes anything."""

from __future__ import annotations

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from sessions.models import SessionSeries, WeekAnswer
from sessions.series import services
from sessions.series.schedule import long_date
from tests.sessions.series.scene import TUESDAY, Cast, coming, form, fresh, set_up, snapshot
from tests.sessions.weekly import weekly_series

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
    theirs_id = weekly_series(
        cast.other_lead.team_id,
        cast.other_lead.id,
        TUESDAY,
        title="Platform weekly",
        weekday=4,
        start_time=time(9),
        timezone="Europe/London",
    )
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
    series = set_up(cast, title="<script>alert(1)</script>", location="javascript:alert(2)", description="<b>bold</b>")
    auth.sign_in(cast.member)
    for page in (client.get(f"/sessions/{series.id}").text, client.get("/sessions/").text):
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    page = client.get(f"/sessions/{series.id}").text
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and 'href="javascript:' not in page


# Who may


GET_PAGES = {
    "list": "/sessions/",
    "new": "/sessions/new",
    "series": "/sessions/{id}",
    "edit": "/sessions/{id}/edit",
    "move": "/sessions/{id}/weeks/{day}/move",
}
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
    "series": SEES,
    "edit": MANAGES,
    "move": MANAGES,
}
CHANGE_STATUS = {"anonymous": 401, "member": 403, "other_new_hire": 404, "other_lead": 404, "lead": 302, "admin": 302}


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
