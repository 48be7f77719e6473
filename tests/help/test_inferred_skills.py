"""Skills inferred from the text on every path when the asker names none: the ask page, the
"Help, I'm stuck!" panel and the API, learning from the team's own answered questions."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.help import thread
from app.help.models import Question, QuestionState, Visibility
from tests.help.threads import api_headers, question

ASKED = {
    "goal": "Seed the staging database",
    "stuck": "It says relation accounts does not exist.",
    "urgency": "can_wait",
    "visibility": "anonymous",
    "skills": "",
}


@pytest.fixture
def team(make, jobs):
    """Payments, whose answered questions say "relation ... does not exist" goes with PostgreSQL;
    Noor asks; nobody there names the skill."""
    postgres = make.skill("PostgreSQL", aliases=["postgres"])
    make.skill("Kubernetes")
    payments = make.team("Payments")
    ella = make.user(name="Ella", team=payments)
    mentor = make.mentor(name="Tomás", team=payments)
    for goal, stuck in (
        ("Billing migration fails", "relation invoices does not exist"),
        ("Report query fails", "relation users does not exist on staging"),
    ):
        answered = question(ella, [mentor], goal=goal, stuck=stuck, skills=[postgres])
        thread.post_answer(answered.id, mentor.id, "Run the migrations first.")
        thread.resolve(answered.id, ella.id, "anonymous")
    noor = make.user(name="Noor", team=payments)
    jobs.connection.flushdb()
    return {"noor": noor, "postgres": postgres, "team": payments}


def asked_skills() -> list[str]:
    asked = db.session.scalars(sa.select(Question).where(Question.goal == ASKED["goal"])).one()
    return [skill.name for skill in asked.skills]


def test_the_ask_page_infers_skills_from_words_the_teams_answers_go_with(client, auth, team):
    auth.sign_in(team["noor"])
    assert client.post("/help/ask", data=ASKED).status_code == 302
    assert asked_skills() == ["PostgreSQL"]


def test_the_panel_infers_skills_from_a_misspelt_name(client, auth, team):
    auth.sign_in(team["noor"])
    response = client.post("/help/embed", data={**ASKED, "stuck": "postgress refuses the connection"})
    assert response.status_code == 200 and "Your question is asked" in response.text
    assert asked_skills() == ["PostgreSQL"]


def test_an_api_ask_without_skills_gets_them_from_the_text(client, team):
    body = {key: value for key, value in ASKED.items() if key != "skills"}
    response = client.post("/api/v1/questions", json=body, headers=api_headers(team["noor"]))
    assert response.status_code == 201
    assert [skill["name"] for skill in response.json["skills"]] == ["PostgreSQL"]


def test_skills_the_asker_names_are_kept_as_they_are(client, auth, team, make):
    make.skill("Python")
    auth.sign_in(team["noor"])
    client.post("/help/ask", data={**ASKED, "skills": "Python"})
    assert asked_skills() == ["Python"]


def test_private_questions_teach_the_suggester_nothing(client, auth, team, make):
    db.session.execute(sa.update(Question).values(visibility=Visibility.PRIVATE))
    db.session.commit()
    auth.sign_in(team["noor"])
    data = client.post("/help/similar", data={"text": ASKED["stuck"]}).json
    assert data["skills"] == []


def test_the_live_panel_and_the_api_suggest_what_the_ask_would_infer(client, auth, team):
    auth.sign_in(team["noor"])
    assert client.post("/help/similar", data={"text": ASKED["stuck"]}).json["skills"] == [
        {"id": team["postgres"].id, "name": "PostgreSQL"}
    ]
    response = client.post("/api/v1/skills/suggest", json={"text": "kubernets pod"}, headers=api_headers(team["noor"]))
    assert [skill["name"] for skill in response.json] == ["Kubernetes"]
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Question).where(Question.state == QuestionState.RESOLVED)
        )
        == 2
    )
