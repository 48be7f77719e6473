"""The cards Unstuck really sends to Teams, through the real flows: a mentor asked a question,
an asker told of an answer, a team prompted for learnings and sent the summary. Each reaches
the stand-in for a Workflows webhook in the documented format, passes Microsoft's Adaptive
Card schema, shows what people wrote literally, and (once) renders in Chromium with the
adaptivecards renderer, with nothing that fails to render."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.help.routing import route_question
from app.help.thread import post_answer
from app.jobs import enqueue
from app.mail.models import OutboundMail
from app.people.models import SkillKind
from matching.jobs import propose_mentor_job
from sessions.learnings.prompt import send_due_prompts
from tests.help.routing_scenes import ask, mentor, skill
from tests.sessions.learnings.scene import make_scene as learnings_scene
from tests.sessions.retro.scene import make_scene as retro_scene
from tests.sessions.test_summary import close_a_session
from tests.teams.conftest import in_teams, render_card, schema_errors, team_in_teams

GOAL = "Run the billing *migration*"
STUCK = "It fails with `relation does not exist` <b>here</b> & [there](https://evil.example.com)."
ANSWER = "Use **--fake-initial** first:\n- then migrate\n# done"


def received_card(teams, path: str) -> dict:
    [got] = teams.received(path)
    assert got["problems"] == []
    card = got["card"]
    assert schema_errors(card) == []
    return card


def texts(card: dict) -> list[str]:
    """Every TextBlock's text, in order, nested ones too."""
    found = []
    for block in card["body"]:
        if block["type"] == "TextBlock":
            found.append(block["text"])
        for item in block.get("items", ()):
            found.append(item["text"])
    return found


def asked_and_answered(make, teams, jobs) -> tuple[dict, dict]:
    """Mia, who chose Teams for blocking questions, is asked Nina's question; Nina, who chose
    Teams for answers, is told of Mia's answer. Returns the two cards Teams got."""
    team = make.team("Billing")
    mia = mentor(make, "Mia Mentor", {"SQL": 5}, team=team)
    nina = make.user(name="Nina New", email="nina@example.com", team=team)
    in_teams(mia, teams.url("/ok/mia"), "questions_blocking")
    in_teams(nina, teams.url("/ok/nina"), "answers")
    question = ask(nina, goal=GOAL, stuck=STUCK)
    assert route_question(question.id) is not None
    db.session.commit()
    jobs.run()
    post_answer(question.id, mia.id, ANSWER)
    db.session.commit()
    jobs.run()
    mailed = db.session.scalars(sa.select(OutboundMail.kind)).all()
    assert "question_ask" not in mailed and "question_reply" not in mailed  # Teams alone was chosen
    return received_card(teams, "/ok/mia"), received_card(teams, "/ok/nina")


def prompted(make, teams, jobs) -> dict:
    """The Payments team's channel gets the prompt for learnings before its session."""
    s = learnings_scene(make)
    team_in_teams(s.team, teams.url("/ok/payments"), s.lead)
    assert send_due_prompts(s.start() - timedelta(hours=23)) == 3
    jobs.run()
    return received_card(teams, "/ok/payments")


def summarized(make, teams, jobs) -> dict:
    """The team's channel gets the summary of a closed session."""
    s = retro_scene(make)
    team = s.lead.team
    team_in_teams(team, teams.url("/ok/summary"), s.lead)
    close_a_session(s)
    jobs.run()
    return received_card(teams, "/ok/summary")


def test_the_mentor_asked_gets_the_question_with_buttons_that_open_unstuck(make, teams, jobs, smtp):
    card, _ = asked_and_answered(make, teams, jobs)
    title, quote, *_ = texts(card)
    assert title == "Nina New is stuck"
    assert quote.startswith(r"Run the billing \*migration\*")
    assert r"\`relation does not exist\` \<b\>here\</b\> \& \[there\]\(https://evil\.example\.com\)\." in quote
    facts = dict((f["title"], f["value"]) for f in card["body"][-1]["facts"])
    assert facts["Asked by"] == "Nina New" and "Answer by" in facts
    assert [a["title"] for a in card["actions"]] == ["Take it", "Answer", "Pass it on"]
    assert all(a["type"] == "Action.OpenUrl" and a["url"].startswith("http://localhost/") for a in card["actions"])


def test_the_asker_gets_the_answer_with_its_rating_links(make, teams, jobs, smtp):
    _, card = asked_and_answered(make, teams, jobs)
    assert texts(card)[0] == "Mia Mentor answered your question"
    assert r"Use \*\*\-\-fake\-initial\*\* first:" in texts(card)[2]
    assert r"\- then migrate" in texts(card)[2] and r"\# done" in texts(card)[2]
    assert [a["title"] for a in card["actions"]] == ["Helpful", "Not helpful", "Resolved"]


def test_the_teams_channel_gets_the_learnings_prompt(make, teams, jobs, smtp):
    card = prompted(make, teams, jobs)
    assert texts(card)[0] == r"Your learnings for What did we learn?"
    [button] = card["actions"]
    assert button["title"] == "Add your learnings" and "/sessions/" in button["url"]


def test_the_teams_channel_gets_the_summary(make, teams, jobs, smtp):
    card = summarized(make, teams, jobs)
    assert texts(card)[0].startswith("Summary")
    assert "Cache the pip wheels in CI" in " ".join(
        texts(card) + [f["value"] for b in card["body"] for f in b.get("facts", ())]
    ).replace("\\", "")
    assert card["actions"] and all("/sessions/" in a["url"] for a in card["actions"])


@pytest.mark.browser
def test_every_card_renders_in_the_adaptive_cards_renderer(make, teams, jobs, smtp, card_browser, backend):
    asked, answered = asked_and_answered(make, teams, jobs)
    cards = {"ask": asked, "answer": answered, "prompt": prompted(make, teams, jobs)}
    cards["summary"] = summarized(make, teams, jobs)
    cards["proposal"] = proposed(make, teams, jobs)
    for name, card in cards.items():
        shown = render_card(card_browser, card, screenshot=f"teams-card-{name}-{backend}")
        assert shown["problems"] == [], name
        assert shown["buttons"] == [a["title"] for a in card["actions"]], name
        assert [a["url"] for a in shown["actions"]] == [a["url"] for a in card["actions"]], name
        assert texts(card)[0].replace("\\", "") in shown["text"], name
    # What people wrote shows as they wrote it, Markdown and all.
    assert STUCK in render_card(card_browser, asked)["text"]
    answer = render_card(card_browser, answered)["text"]
    assert "Use **--fake-initial** first:" in answer and "- then migrate" in answer and "# done" in answer


def proposed(make, teams, jobs) -> dict:
    """Mo, who chose Teams for mentorship notices, is proposed as the mentor of a new hire."""
    mo = mentor(make, "Mo Mentor", {"SQL": 5}, level=3)
    in_teams(mo, teams.url("/ok/mo"), "mentorship")
    nell = make.user(name="Nell Newer", email="nell@example.com", level=1)
    make.user_skill(nell, skill(make, "SQL"), SkillKind.LEARN, 1)
    db.session.commit()
    enqueue(propose_mentor_job, nell.id)
    jobs.run()
    return received_card(teams, "/ok/mo")


def test_a_mentor_proposed_gets_accept_and_decline_links(make, teams, jobs, smtp):
    card = proposed(make, teams, jobs)
    assert texts(card)[0] == "Would you mentor Nell Newer?"
    assert [a["title"] for a in card["actions"]] == ["Accept", "Decline", "Open in Unstuck"]
