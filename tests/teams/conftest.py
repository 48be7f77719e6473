"""Teams notices against real parts: a stand-in for a Workflows webhook (receiver.py, its own
process on loopback) that checks the message format, Microsoft's Adaptive Card schema
(schema/, read with jsonschema_rs), and the `adaptivecards` renderer of npm (renderer/) in
Chromium, as a Teams client draws a card."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import jsonschema_rs
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.notices.models import NoticeChoice
from app.teams.models import TeamsMessage, TeamsWebhook

HERE = Path(__file__).parent
RECEIVER = HERE / "receiver.py"
SCHEMA = HERE / "schema" / "adaptive-card-1.5.json"
RENDERER = HERE / "renderer" / "node_modules"


class Receiver:
    """The stand-in's process: where it listens and what it got."""

    def __init__(self, port: int, record: Path):
        self.port, self.record = port, record

    def url(self, path: str = "/ok") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def received(self, path: str | None = None) -> list[dict]:
        """Every request it got so far (on this path), oldest first, its body parsed."""
        if not self.record.exists():
            return []
        records = [json.loads(line) for line in self.record.read_text().splitlines()]
        for r in records:
            r["json"] = json.loads(r["body"])
            r["card"] = r["json"]["attachments"][0]["content"]
        return [r for r in records if path is None or r["path"] == path]


@contextmanager
def running_receiver(folder: Path):
    record = folder / "teams.jsonl"
    process = subprocess.Popen([sys.executable, str(RECEIVER), str(record)], stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()  # waits for "ready PORT"
        assert line.startswith("ready "), f"the stand-in for Teams did not start: {line!r}"
        yield Receiver(int(line.split()[1]), record)
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


@pytest.fixture
def teams(tmp_path):
    """The stand-in for a Workflows webhook, running."""
    with running_receiver(tmp_path) as receiver:
        yield receiver


@cache
def _validator():
    return jsonschema_rs.Draft6Validator(json.loads(SCHEMA.read_text()))


def schema_errors(card: dict) -> list[str]:
    """Where a card breaks Microsoft's Adaptive Card schema (empty: nowhere)."""
    return [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in _validator().iter_errors(card)]


def in_teams(person, url: str, *topics: str) -> None:
    """Give a person a Teams webhook address, and choose Teams alone for the topics; committed."""
    db.session.add(TeamsWebhook(user_id=person.id, url=url, set_by_id=person.id))
    for topic in topics:
        db.session.merge(NoticeChoice(user_id=person.id, topic=topic, channels=["teams"]))
    db.session.commit()


def team_in_teams(team, url: str, by) -> None:
    db.session.add(TeamsWebhook(team_id=team.id, url=url, set_by_id=by.id))
    db.session.commit()


def messages() -> list[TeamsMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(TeamsMessage).order_by(TeamsMessage.id)))


# -- the renderer ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def card_browser(browser):
    """The test process's Chromium, for pages that load the adaptivecards renderer (and
    markdown-it, for the Markdown that Teams reads in a TextBlock)."""
    if not (RENDERER / "adaptivecards").is_dir():
        pytest.skip("The card renderer is not installed: npm ci --prefix tests/teams/renderer")
    return browser


RENDER = """(content) => {
    const card = new AdaptiveCards.AdaptiveCard();
    AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
        result.outputHtml = markdownit().render(text);
        result.didProcess = true;
    };
    const context = new AdaptiveCards.SerializationContext();
    card.parse(content, context);
    const problems = [];
    for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
    for (const event of card.validateProperties().validationEvents) problems.push(event.message);
    const element = card.render();
    if (!element) problems.push("nothing rendered");
    else document.getElementById("card").appendChild(element);
    const actions = card.getAllActions().map((a) => ({title: a.title, url: a.url, type: a.getJsonTypeName()}));
    const buttons = Array.from(document.querySelectorAll("#card button")).map((b) => b.textContent.trim());
    return {problems, actions, buttons, text: element ? element.innerText : ""};
}"""


def render_card(browser, content: dict, screenshot: str | None = None) -> dict:
    """Draw a card as a Teams client would; return what failed to parse, validate or render,
    its actions, the buttons shown and the text shown. Saves a screenshot to test-artifacts/."""
    page = browser.new_page(viewport={"width": 560, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.set_content(
            '<!doctype html><html><body style="font-family:sans-serif"><div id="card"></div></body></html>'
        )
        page.add_style_tag(path=str(RENDERER / "adaptivecards" / "dist" / "adaptivecards.css"))
        page.add_script_tag(path=str(RENDERER / "markdown-it" / "dist" / "markdown-it.min.js"))
        page.add_script_tag(path=str(RENDERER / "adaptivecards" / "dist" / "adaptivecards.min.js"))
        shown = page.evaluate(RENDER, content)
        if screenshot:
            os.makedirs("test-artifacts", exist_ok=True)
            page.locator("#card").screenshot(path=f"test-artifacts/{screenshot}.png")
        shown["problems"] += errors
        return shown
    finally:
        page.close()
