"""The lead's dashboard page, on the hand-made month of dashboard_world.py: who may see which
team's, how it picks the team and the period, and what it says when it cannot."""

from __future__ import annotations

import re

import pytest

from app.extensions import utcnow
from app.people.models import Role
from tests.feedback.dashboard_world import (
    OCTOBER,
    Tables,
    text,
    world,  # noqa: F401  (fixture)
)
from tests.help.threads import sign_in


def test_a_period_key_names_the_same_period_and_links_lead_to_the_periods_around(client, auth, world):
    sign_in(auth, world["lena"])
    by_key = text(client.get("/feedback/dashboard?period=2026-10"))
    assert Tables(by_key).tables["questions"][1] == ["Questions asked", "6", "3", "+3"]
    assert 'href="/feedback/dashboard?team={}&amp;period=2026-09"'.format(world["payments"].id) in client.get(
        "/feedback/dashboard?period=2026-10"
    ).get_data(as_text=True)
    quarter = text(client.get("/feedback/dashboard?period=quarter&at=2026-11-21"))
    assert "Payments: Q4 2026" in quarter and "Q3 2026" in quarter
    assert Tables(quarter).tables["questions"][1] == ["Questions asked", "6", "3", "+3"]  # all in Q4, Q3
    week = Tables(text(client.get("/feedback/dashboard?period=2026-W41"))).tables  # 5 to 11 October
    assert week["questions"][1] == ["Questions asked", "5", "0", "+5"]
    assert len(week["trend"]) == 1 + 7  # a point a day
    days = text(client.get("/feedback/dashboard?period=range&first=2026-10-05&last=2026-10-14"))
    assert "Payments: 5 Oct – 14 Oct 2026" in days and "25 Sep – 4 Oct 2026" in days  # as many days before
    assert Tables(days).tables["questions"][1] == ["Questions asked", "5", "0", "+5"]
    assert len(Tables(days).tables["trend"]) == 1 + 10
    # Without a period: the month running now.
    assert f"Payments: {utcnow():%B %Y}" in text(client.get("/feedback/dashboard"))


@pytest.mark.parametrize(
    ("who", "team", "status"),
    [
        ("lena", "payments", 200),
        ("lena", "platform", 404),  # another lead's team
        ("paul", "payments", 404),
        ("ada", "payments", 200),  # admins see every team
        ("ada", "platform", 200),
        ("nina", "payments", 403),  # a new hire
        ("mia", "payments", 403),  # a mentor
        ("omar", None, 403),
    ],
)
def test_who_may_see_which_dashboard(client, auth, world, who, team, status):
    sign_in(auth, world[who])
    query = f"&team={world[team].id}" if team else ""
    response = client.get(OCTOBER + query)
    assert response.status_code == status
    if status != 200:
        assert "Questions asked" not in text(response)


def test_a_team_that_does_not_exist_or_is_not_a_number_is_not_found(client, auth, world):
    sign_in(auth, world["ada"])
    assert client.get(OCTOBER + "&team=999999").status_code == 404
    assert client.get(OCTOBER + "&team=payments").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, world):
    response = client.get(OCTOBER)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_lead_of_several_teams_picks_one(client, auth, world, make):
    lena = world["lena"]
    billing = make.team(name="Billing", lead=lena)  # before Payments by name
    sign_in(auth, lena)
    page = text(client.get(OCTOBER))
    assert "Billing: October 2026" in page
    assert re.search(r'<option selected value="\d+">Billing</option>', page)
    assert f'<option value="{world["payments"].id}">Payments</option>' in page
    assert "Platform" not in page  # not hers
    chosen = text(client.get(OCTOBER + f"&team={world['payments'].id}"))
    assert "Payments: October 2026" in chosen
    assert Tables(chosen).tables["questions"][1] == ["Questions asked", "6", "3", "+3"]
    assert Tables(page).tables["questions"][1] == ["Questions asked", "0", "0", "no change"]
    assert billing.id != world["payments"].id


def test_a_lead_without_a_team_is_told_so(client, auth, make):
    lead = make.user(name="Lone Lead", roles=(Role.LEAD,))
    sign_in(auth, lead)
    response = client.get("/feedback/dashboard")
    assert response.status_code == 200 and "You do not lead a team yet" in text(response)


def test_the_nav_links_to_the_dashboard_for_leads_and_admins_only(client, auth, world):
    for who, shown in (("lena", True), ("ada", True), ("nina", False), ("mia", False)):
        sign_in(auth, world[who])
        assert ('href="/feedback/dashboard"' in text(client.get("/feedback/"))) is shown, who
        auth.sign_out()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=2026-11-20..2026-11-01", "The period ends (2026-11-01) before it starts (2026-11-20)."),
        (
            "period=range&first=2026-11-20&last=2026-11-01",
            "The period ends (2026-11-01) before it starts (2026-11-20).",
        ),
        ("period=range&first=2026-11-20", "Give the first and the last day of the range."),
        ("period=fortnight", "'fortnight' is not a period"),
        ("period=2026-Q5", "'2026-Q5' is not a period"),
        ("period=month&at=2026-13-01", "'2026-13-01' is not a date: write it as year-month-day"),
        ("period=range&first=2020-01-01&last=2026-01-01", "A range can be at most 366 days"),
        ("period=quarter&at=0001-01-01", "too far in the past or the future"),
    ],
)
def test_a_period_that_cannot_be_shown_says_why_with_the_form(client, auth, world, query, message):
    sign_in(auth, world["lena"])
    response = client.get(f"/feedback/dashboard?{query}")
    assert response.status_code == 400
    page = text(response)
    assert message in page and 'role="alert"' in page
    assert '<form method="get" action="/feedback/dashboard"' in page  # to choose again
    assert "Questions asked" not in page
    assert client.get(OCTOBER).status_code == 200  # and nothing else broke
