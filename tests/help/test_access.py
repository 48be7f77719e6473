"""Who sees a question, as a table: the asker, the mentors it was routed to, the team lead
and admins; nobody else, on the pages or through the API, whatever the id they try."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.help import routing, search, thread
from app.help.models import Post, Question
from tests.help.threads import api_headers, question, record_calls, scene, sign_in

API = "/api/v1"
SEE = ["asker", "mentor", "earlier mentor", "lead", "admin"]
DO_NOT_SEE = ["other new hire", "other lead", "unrelated mentor"]
# Signed out: the page sends you to sign in, the API asks for a token.
PAGE = [(who, 200) for who in SEE] + [(who, 404) for who in DO_NOT_SEE] + [("anonymous", 302)]
API_READ = [(who, 200) for who in SEE] + [(who, 404) for who in DO_NOT_SEE] + [("anonymous", 401)]


@pytest.fixture
def s(make, monkeypatch):
    record_calls(monkeypatch, routing, "answer_arrived")
    record_calls(monkeypatch, search, "index_question")
    return scene(make)


def page_client(client, auth, s, who):
    if who != "anonymous":
        sign_in(auth, s.person(who))
    return client


def snapshot(q: Question) -> tuple:
    """What acting on a question could change."""
    db.session.expire_all()
    row = db.session.get(Question, q.id)
    posts = db.session.scalar(sa.select(sa.func.count()).select_from(Post).where(Post.question_id == q.id))
    return row.state, row.visibility, row.helpful, row.resolved_at, posts


# Reading


@pytest.mark.parametrize("who, status", PAGE)
def test_who_sees_the_thread_page(client, auth, s, who, status):
    response = page_client(client, auth, s, who).get(f"/help/questions/{s.question.id}")
    assert response.status_code == status
    if status == 302:
        assert response.headers["Location"].startswith("/sign-in")
    if status == 404:
        assert s.question.goal not in response.get_data(as_text=True)


@pytest.mark.parametrize("who, status", API_READ)
def test_who_sees_the_question_through_the_api(client, s, who, status):
    response = client.get(f"{API}/questions/{s.question.id}", headers=api_headers(s.person(who)))
    assert response.status_code == status
    if status == 200:
        assert response.get_json()["goal"] == s.question.goal
    else:
        assert s.question.goal not in response.get_data(as_text=True)


@pytest.mark.parametrize("who, listed", [(w, True) for w in SEE] + [(w, False) for w in DO_NOT_SEE])
def test_the_list_holds_what_the_caller_may_see_and_nothing_else(client, s, who, listed):
    question(s.other_lead, [s.unrelated_mentor], goal="Platform's own question")
    response = client.get(f"{API}/questions", headers=api_headers(s.person(who)))
    goals = {q["goal"] for q in response.get_json()}
    assert (s.question.goal in goals) is listed
    assert ("Platform's own question" in goals) is (who in ("admin", "other lead", "unrelated mentor"))


def test_another_id_answers_exactly_as_a_missing_one(client, s):
    own = question(s.other_new_hire, [s.mentor], goal="Olli's own question")
    headers = api_headers(s.other_new_hire)
    assert client.get(f"{API}/questions/{own.id}", headers=headers).status_code == 200
    taken = client.get(f"{API}/questions/{s.question.id}", headers=headers)
    missing = client.get(f"{API}/questions/{own.id + 100}", headers=headers)
    assert taken.status_code == missing.status_code == 404
    assert taken.get_json() == missing.get_json()


# Acting

ACTIONS = {
    # name: (path, page form, API body)
    "post": ("/posts", {"body": "I know this one"}, {"body": "I know this one"}),
    "resolve": ("/resolve", {"visibility": "named"}, {}),
    "rating": ("/rating", {"yes": "Yes, it helped"}, {"helpful": True}),
}
OUTSIDERS = [(who, action) for who in DO_NOT_SEE + ["anonymous"] for action in ACTIONS]


@pytest.mark.parametrize("who, action", OUTSIDERS)
def test_nobody_else_may_post_resolve_or_rate_on_a_page(client, auth, s, who, action):
    thread.post_answer(s.question.id, s.mentor.id, "An answer to rate.")
    db.session.commit()  # the test owns its transaction, as a request or job would
    before = snapshot(s.question)
    path, form, _ = ACTIONS[action]
    response = page_client(client, auth, s, who).post(f"/help/questions/{s.question.id}{path}", data=form)
    # Signed out, a form post is refused outright: there is no page to come back to.
    assert response.status_code == (401 if who == "anonymous" else 404)
    assert snapshot(s.question) == before


@pytest.mark.parametrize("who, action", OUTSIDERS)
def test_nobody_else_may_post_resolve_or_rate_through_the_api(client, s, who, action):
    thread.post_answer(s.question.id, s.mentor.id, "An answer to rate.")
    db.session.commit()  # the test owns its transaction, as a request or job would
    before = snapshot(s.question)
    path, _, body = ACTIONS[action]
    response = client.post(f"{API}/questions/{s.question.id}{path}", json=body, headers=api_headers(s.person(who)))
    assert response.status_code == (401 if who == "anonymous" else 404)
    assert snapshot(s.question) == before


# Among those who see it: everyone may post; the asker or an answerer resolves; the asker rates.
INSIDERS = [
    # who              post  resolve  rating
    ("asker", 201, 200, 200),
    ("mentor", 201, 403, 403),
    ("earlier mentor", 201, 403, 403),
    ("lead", 201, 403, 403),
    ("admin", 201, 403, 403),
]


@pytest.mark.parametrize("who, post, resolve, rating", INSIDERS)
def test_what_those_who_see_it_may_do_through_the_api(client, s, who, post, resolve, rating):
    answerer = s.lead if who == "mentor" else s.mentor  # someone else answered first
    thread.post_answer(s.question.id, answerer.id, "First answer.")
    db.session.commit()  # the test owns its transaction, as a request or job would
    headers = api_headers(s.person(who))
    url = f"{API}/questions/{s.question.id}"
    assert client.post(f"{url}/rating", json={"helpful": True}, headers=headers).status_code == rating
    assert client.post(f"{url}/resolve", json={}, headers=headers).status_code == resolve
    assert client.post(f"{url}/posts", json={"body": "More."}, headers=headers).status_code == post


@pytest.mark.parametrize("who, post, resolve, rating", INSIDERS)
def test_what_those_who_see_it_may_do_on_the_page(client, auth, s, who, post, resolve, rating):
    answerer = s.lead if who == "mentor" else s.mentor
    thread.post_answer(s.question.id, answerer.id, "First answer.")
    db.session.commit()  # the test owns its transaction, as a request or job would
    page_client(client, auth, s, who)
    url = f"/help/questions/{s.question.id}"
    ok = {200: 302, 201: 302, 403: 403}  # pages redirect after acting
    assert client.post(f"{url}/rating", data={"yes": "Yes"}).status_code == ok[rating]
    assert client.post(f"{url}/resolve", data={}).status_code == ok[resolve]
    assert client.post(f"{url}/posts", data={"body": "More."}).status_code == ok[post]


def test_having_answered_a_mentor_may_resolve(client, s):
    headers = api_headers(s.mentor)
    url = f"{API}/questions/{s.question.id}"
    assert client.post(f"{url}/resolve", json={}, headers=headers).status_code == 403
    assert client.post(f"{url}/posts", json={"body": "Try this."}, headers=headers).status_code == 201
    assert client.post(f"{url}/resolve", json={}, headers=headers).status_code == 200


# The knowledge base


def test_the_knowledge_base_shows_only_the_teams_published_questions(client, s):
    thread.post_answer(s.question.id, s.mentor.id, "Run the migrations first.")
    db.session.commit()  # the test owns its transaction, as a request or job would
    thread.resolve(s.question.id, s.asker.id, "anonymous")
    db.session.commit()  # the test owns its transaction, as a request or job would
    private = question(s.asker, [s.mentor], goal="Run the private migrations", live=False)
    thread.post_answer(private.id, s.mentor.id, "Run the migrations first.")
    db.session.commit()  # the test owns its transaction, as a request or job would
    thread.resolve(private.id, s.asker.id, "private")
    db.session.commit()  # the test owns its transaction, as a request or job would
    elsewhere = question(s.other_lead, [s.mentor], goal="Run the platform migrations", live=False)
    thread.post_answer(elsewhere.id, s.mentor.id, "Run the migrations first.")
    db.session.commit()  # the test owns its transaction, as a request or job would
    thread.resolve(elsewhere.id, s.other_lead.id, "named")
    db.session.commit()  # the test owns its transaction, as a request or job would

    response = client.get(f"{API}/knowledge?q=migrations", headers=api_headers(s.other_new_hire))
    assert response.status_code == 200
    entries = response.get_json()
    assert [e["goal"] for e in entries] == [s.question.goal]
    assert entries[0]["asker"] is None
    assert "Nina" not in response.get_data(as_text=True)
