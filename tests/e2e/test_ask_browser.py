"""In a real browser: a new hire asks, sees a similar answered question first, still asks; a
mentor answers on the thread; the new hire marks it resolved and helpful. And the same
ask from the "Help, I'm stuck!" button on another tool's page."""

import threading
from datetime import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.help import thread
from app.help.models import Attempt, Question, QuestionState, Visibility
from app.people.models import Role, SkillKind
from tests.e2e.signing_in import sign_in
from tests.help.threads import question

pytestmark = pytest.mark.browser


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()


@pytest.fixture
def tool_page(live_server):
    """A page of another tool holding the one-line snippet, on a server of its own.

    It is on the same site as Unstuck (cookies ignore the port), as a company's tools on
    its own domain are.
    """
    html = (
        "<!doctype html><meta charset='utf-8'><title>Deal 7 · CRM</title><h1>Deal 7</h1>"
        f'<script src="{live_server}/help/static/help/button.js" async></script>'
    ).encode()

    class Tool(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tool)
    thread_ = threading.Thread(target=server.serve_forever, daemon=True)
    thread_.start()
    yield f"http://127.0.0.1:{server.server_port}/crm/deals/7"
    server.shutdown()
    server.server_close()
    thread_.join()


@pytest.fixture
def team(make):
    """Noor (new), Tomás (teaches PostgreSQL, working all day), and an answered question of
    the team in the knowledge base."""
    postgres = make.skill("PostgreSQL", aliases=["postgres"])
    lead = make.user(name="Ingrid Larsen", roles=(Role.LEAD,))
    payments = make.team(name="Payments", lead=lead)
    noor = make.user(name="Noor Haddad", email="noor@example.com", team=payments)
    tomas = make.mentor(
        name="Tomás Ferreira",
        email="tomas@example.com",
        team=payments,
        timezone="UTC",
        work_start=time(0),
        work_end=time(23, 59),
    )
    make.user_skill(tomas, postgres, SkillKind.TEACH, 4)
    earlier = make.user(name="Ella Earlier", team=payments, password=None)
    answered = question(
        earlier,
        [tomas],
        goal="Billing migration fails on a fresh database",
        stuck="Postgres says relation invoices does not exist.",
        skills=[postgres],
    )
    thread.post_answer(answered.id, tomas.id, "Run `flask db upgrade` before the billing seed.")
    thread.resolve(answered.id, earlier.id, "anonymous")
    db.session.commit()  # the test owns its transaction, as a request or job would
    return {"noor": noor, "tomas": tomas, "answered": answered}


def test_a_new_hire_asks_sees_a_similar_answer_still_asks_and_gets_an_answer(page, make, jobs, team):
    sign_in(page, "noor@example.com", make.PASSWORD)
    page.get_by_role("link", name="Ask for help").click()
    page.get_by_label("What are you trying to do?").fill("Run the billing migration")
    page.get_by_label("Where are you stuck?").fill("Postgres says relation invoices does not exist")

    similar = page.locator("#similar-list")
    expect(similar.get_by_text("Billing migration fails on a fresh database")).to_be_visible()
    expect(page.get_by_label("Skills")).to_have_value("PostgreSQL")
    page.get_by_label("Blocking me").check()
    page.get_by_role("button", name="Ask for help").click()

    expect(page.get_by_text("Your question is saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Run the billing migration")).to_be_visible()
    asked = db.session.scalar(sa.select(Question).where(Question.goal == "Run the billing migration"))
    assert jobs.run() >= 1  # the routing job
    db.session.expire_all()
    assert [a.mentor_id for a in db.session.scalars(sa.select(Attempt).where(Attempt.question_id == asked.id))] == [
        team["tomas"].id
    ]
    sign_out(page)

    sign_in(page, "tomas@example.com", make.PASSWORD)
    page.goto(f"/help/questions/{asked.id}")
    expect(page.get_by_text("Waiting for you to reply")).to_be_visible()
    page.get_by_label("Your answer").fill("The seed needs the schema: run `flask db upgrade` first.")
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_text("Your answer is posted.")).to_be_visible()
    sign_out(page)

    sign_in(page, "noor@example.com", make.PASSWORD)
    page.goto(f"/help/questions/{asked.id}")
    answer = page.locator("article.post").first
    expect(answer).to_contain_text("Tomás Ferreira")
    expect(answer.locator("code")).to_have_text("flask db upgrade")
    page.get_by_role("button", name="Yes, it helped").click()
    expect(page.get_by_text("Thanks, your rating is saved.")).to_be_visible()
    page.get_by_label("Publish it without my name").check()
    page.get_by_role("button", name="Mark resolved").click()
    expect(page.get_by_text("Marked resolved.")).to_be_visible()
    expect(page.locator(".question .tag").first).to_have_text("Resolved")

    db.session.expire_all()
    saved = db.session.get(Question, asked.id)
    assert (saved.state, saved.helpful, saved.visibility) == (QuestionState.RESOLVED, True, Visibility.ANONYMOUS)
    assert saved.created_at < saved.first_reply_at <= saved.resolved_at
    assert [s.name for s in saved.skills] == ["PostgreSQL"]


def test_the_button_on_another_tools_page_opens_the_ask_form_in_a_panel(page, tool_page, make, jobs, team):
    sign_in(page, "noor@example.com", make.PASSWORD)
    page.goto(tool_page)

    button = page.get_by_role("button", name="Help, I'm stuck!")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    panel = page.frame_locator("iframe[title='Ask for help']")
    expect(panel.get_by_role("heading", name="Help, I'm stuck!")).to_be_visible()
    expect(panel.get_by_text("From the page “Deal 7 · CRM”.")).to_be_visible()
    expect(panel.get_by_label("Link to the task or page")).to_have_value(tool_page)
    panel.get_by_label("What are you trying to do?").fill("Close the deal in the billing migration")
    panel.get_by_label("Where are you stuck?").fill("Postgres says relation invoices does not exist")
    expect(panel.get_by_text("Billing migration fails on a fresh database")).to_be_visible()
    panel.get_by_role("button", name="Ask for help").click()
    expect(panel.get_by_role("heading", name="Your question is asked")).to_be_visible()
    expect(page).to_have_url(tool_page)  # the person never left their tool

    page.get_by_role("button", name="Close").focus()
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    button.click()  # a fresh form for the next question
    expect(panel.get_by_label("What are you trying to do?")).to_have_value("")
    db.session.expire_all()
    asked = db.session.scalar(sa.select(Question).where(Question.asker_id == team["noor"].id))
    assert (asked.link, asked.page_title) == (tool_page, "Deal 7 · CRM")


def test_the_draft_survives_opening_a_suggested_answer_and_no_ask_for_help(page, make, jobs, team):
    """The answer opens beside the form; leaving for the entry and coming back keeps the text;
    the draft goes to the lookup in a POST body, never in an address."""
    lookups = []
    page.on("request", lambda r: lookups.append(r) if "/help/similar" in r.url else None)
    sign_in(page, "noor@example.com", make.PASSWORD)
    page.goto("/help/ask")
    page.get_by_label("What are you trying to do?").fill("Run the billing migration")
    page.get_by_label("Where are you stuck?").fill("Postgres says relation invoices does not exist; token=s3cret")

    suggestion = page.locator("#similar-list details").first
    suggestion.locator("summary").click()
    expect(suggestion.get_by_text("flask db upgrade")).to_be_visible()  # the answer, beside the form
    assert page.url.endswith("/help/ask")
    suggestion.get_by_role("button", name="No, ask for help").click()
    expect(page.get_by_label("What are you trying to do?")).to_have_value("Run the billing migration")
    expect(page.get_by_label("What are you trying to do?")).to_be_focused()

    assert lookups and all(r.method == "POST" for r in lookups)
    assert not [r.url for r in lookups if "s3cret" in r.url or "?" in r.url]
    assert "s3cret" in (lookups[-1].post_data or "")

    page.goto(f"/help/knowledge/{team['answered'].id}")  # the entry itself, in this tab
    page.get_by_role("link", name="No, ask for help").click()
    expect(page.get_by_label("What are you trying to do?")).to_have_value("Run the billing migration")
    expect(page.get_by_label("Where are you stuck?")).to_have_value(
        "Postgres says relation invoices does not exist; token=s3cret"
    )
    page.get_by_role("button", name="Ask for help").click()
    expect(page.get_by_text("Your question is saved.")).to_be_visible()
    page.goto("/help/ask")
    expect(page.get_by_label("What are you trying to do?")).to_have_value("")  # sent: forgotten


def test_asking_the_same_again_names_the_earlier_question_and_asks_anyway_on_request(page, make, jobs, team):
    sign_in(page, "noor@example.com", make.PASSWORD)
    for _ in range(2):
        page.goto("/help/ask")
        page.get_by_label("What are you trying to do?").fill("Run the billing migration")
        page.get_by_label("Where are you stuck?").fill("Postgres says relation invoices does not exist")
        page.get_by_role("button", name="Ask for help").click()
    expect(page.get_by_text("You asked this at")).to_be_visible()
    expect(page.get_by_label("Where are you stuck?")).to_have_value("Postgres says relation invoices does not exist")
    expect(page.get_by_role("link", name="see it")).to_be_visible()
    page.get_by_role("button", name="Ask anyway").click()
    expect(page.get_by_text("Your question is saved.")).to_be_visible()
    db.session.expire_all()
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Question).where(Question.asker_id == team["noor"].id))
        == 2
    )


def test_a_draft_sent_after_the_sign_in_expired_comes_back_once_signed_in_again(page, make, jobs, team):
    sign_in(page, "noor@example.com", make.PASSWORD)
    page.goto("/help/ask")
    page.get_by_label("What are you trying to do?").fill("Run the billing migration")
    page.get_by_label("Where are you stuck?").fill("Postgres says relation invoices does not exist")
    page.context.clear_cookies()  # the sign-in ends while the person writes
    page.get_by_role("button", name="Ask for help", exact=True).click()
    sign_in(page, "noor@example.com", make.PASSWORD)
    page.goto("/help/ask")
    expect(page.get_by_label("Where are you stuck?")).to_have_value("Postgres says relation invoices does not exist")
    page.get_by_role("button", name="Ask for help", exact=True).click()
    expect(page.get_by_text("Your question is saved.")).to_be_visible()
    page.goto("/help/ask")
    expect(page.get_by_label("What are you trying to do?")).to_have_value("")  # saved: forgotten
