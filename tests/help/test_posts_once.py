"""An answer sent twice (a double click, a resend, two requests at the same moment) is posted
and mailed once: the form carries a key made when it was shown, and the second sending
answers as the first did. The API takes the same key as `request_key`."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.help.models import Post
from tests.factories import Factories
from tests.forms import hidden_fields
from tests.help.threads import api_headers, documented_calls, scene
from tests.lock_waits import device, together


@pytest.fixture
def s(make):
    world = scene(make)
    world.mentor.set_password(Factories.PASSWORD)
    db.session.commit()
    return world


def reply_form(client, question_id: int) -> dict[str, str]:
    """The hidden fields of the thread's reply form, as the browser would send them back."""
    return hidden_fields(client.get(f"/help/questions/{question_id}").text, f"/help/questions/{question_id}/posts")


def posts() -> list[tuple[int, str]]:
    db.session.expire_all()
    return db.session.execute(sa.select(Post.author_id, Post.body).order_by(Post.id)).all()


def mails_to(smtp, person) -> list:
    return [m for m in smtp.messages() if m["To"].addresses[0].addr_spec == person.email]


def test_an_answer_sent_twice_at_the_same_moment_is_posted_and_mailed_once(app, s, smtp, jobs):
    tab = device(app, s.mentor)
    form = reply_form(tab, s.question.id) | {"body": "Run `flask db upgrade` first."}
    where = f"/help/questions/{s.question.id}/posts"

    answers = together(db.engine, Post.__table__, [lambda: tab.post(where, data=form)] * 2)

    assert posts() == [(s.mentor.id, "Run `flask db upgrade` first.")]
    [post_id] = db.session.scalars(sa.select(Post.id)).all()
    assert [(a.status_code, a.headers["Location"]) for a in answers] == [
        (302, f"/help/questions/{s.question.id}#post-{post_id}")
    ] * 2
    jobs.run()
    assert len(mails_to(smtp, s.asker)) == 1


def test_an_answer_sent_again_after_it_was_posted_answers_as_the_first(app, s, smtp, jobs):
    tab = device(app, s.mentor)
    form = reply_form(tab, s.question.id) | {"body": "Check the search path."}
    where = f"/help/questions/{s.question.id}/posts"

    first = tab.post(where, data=form, follow_redirects=True)
    again = tab.post(where, data=form, follow_redirects=True)

    assert posts() == [(s.mentor.id, "Check the search path.")]
    assert "Your answer is posted." in first.text and "Your answer is posted." in again.text
    assert again.request.path == first.request.path
    jobs.run()
    assert len(mails_to(smtp, s.asker)) == 1
    # The page shown after posting has a new form, with a key of its own.
    assert reply_form(tab, s.question.id)["request_key"] != form["request_key"]


def test_the_same_form_with_other_words_is_a_new_post(app, s):
    """Back in the browser and sending other words from the old form posts them too: a key
    stands for one action, not for whatever is sent with it."""
    tab = device(app, s.mentor)
    form = reply_form(tab, s.question.id)
    where = f"/help/questions/{s.question.id}/posts"
    tab.post(where, data=form | {"body": "First thought."})
    tab.post(where, data=form | {"body": "Second thought."})
    assert posts() == [(s.mentor.id, "First thought."), (s.mentor.id, "Second thought.")]


def test_the_api_posts_once_per_request_key(app, client, s, smtp, jobs):
    call = documented_calls(client, "/api/v1")
    body = {"body": "Run `flask db upgrade` first.", "request_key": "answer-1"}
    first = call(s.mentor, "POST", f"/questions/{s.question.id}/posts", body, 201).get_json()
    again = call(s.mentor, "POST", f"/questions/{s.question.id}/posts", body, 201).get_json()
    assert again == first
    assert posts() == [(s.mentor.id, "Run `flask db upgrade` first.")]
    jobs.run()
    assert len(mails_to(smtp, s.asker)) == 1


def test_a_request_key_too_long_is_refused_and_nothing_is_posted(app, client, s):
    response = client.post(
        f"/api/v1/questions/{s.question.id}/posts",
        headers=api_headers(s.mentor),
        json={"body": "Run it.", "request_key": "k" * 65},
    )
    assert response.status_code == 422
    assert "request_key" in response.get_json()["error"]["fields"]
    assert posts() == []
