"""A lead's home page shows three of their team's dashboard figures for this month, each with
its change since the month before, linking to the dashboard; only their own team's."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.people.models import Role
from tests.help.routing_scenes import ask

NOTHING = "Nothing waits for you."


@pytest.fixture
def lead(make):
    team, other = make.team("Payments"), make.team("Platform")
    person = make.user(name="Lea Lead", roles=(Role.LEAD,), team=team)
    team.lead = person
    db.session.commit()
    for goal in ("Deploy the billing service", "Tune the report query"):
        ask(make.user(team=team), skills=(), goal=goal)
    ask(make.user(team=other), skills=(), goal="Another team's question")
    return person


def panel(client, auth, person) -> str:
    auth.sign_in(person)
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True).split('id="panel-dashboard-figures"')[1].split("</section>")[0]


def row(text: str, label: str) -> list[str]:
    cells = text[text.index(label) :].split("</tr>")[0]
    return re.findall(r"<td[^>]*>(.*?)</td>", cells)


def test_a_lead_sees_three_figures_of_their_team_with_their_change(lead, client, auth):
    text = panel(client, auth, lead)
    assert "Payments this month" in text
    assert row(text, "Questions asked") == ["2", "+2"]
    assert "Median time to first reply" in text and "Answers found helpful" in text
    assert text.count('class="figure"') == 3
    team_id = lead.team_id
    assert f'href="/feedback/dashboard?team={team_id}"' in text


def test_the_figures_match_the_dashboard(lead, client, auth):
    text = panel(client, auth, lead)
    board = client.get(f"/feedback/dashboard?team={lead.team_id}&period=month").get_data(as_text=True)
    # The dashboard shows this month, the month before and the change; the home page this month and the change.
    this_month, _, change = row(board, '<th scope="row">Questions asked')
    assert row(text, "Questions asked") == [this_month, change]


def test_a_lead_of_no_team_is_told_nothing_waits(make, client, auth):
    text = panel(client, auth, make.user(name="Nell New Lead", roles=(Role.LEAD,)))
    assert NOTHING in text and "You lead no team yet." in text
