"""A question's thread: answers and follow-ups, resolving, rating, and the pages for them."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.help import routing, search, thread
from app.help.models import Attempt, AttemptState, Post, Question, QuestionState, Visibility
from app.people.services import InvalidInput
from tests.help.threads import question, record_calls, scene, sign_in


@pytest.fixture
def s(make):
    return scene(make)


@pytest.fixture
def arrived(monkeypatch) -> list[tuple]:
    """The calls telling routing that an answer arrived."""
    return record_calls(monkeypatch, routing, "answer_arrived")


@pytest.fixture
def indexed(monkeypatch) -> list[tuple]:
    """The calls refreshing a question's searchable text."""
    return record_calls(monkeypatch, search, "index_question")


def reload(q: Question) -> Question:
    db.session.expire_all()
    return db.session.get(Question, q.id)


def posts_of(q: Question) -> list[Post]:
    return db.session.scalars(sa.select(Post).where(Post.question_id == q.id).order_by(Post.id)).all()


# Posting


def test_a_mentors_reply_answers_the_question_once_and_tells_routing(s, arrived):
    post = thread.post_answer(s.question.id, s.mentor.id, "Run `flask db upgrade` first.")
    q = reload(s.question)
    assert (post.author_id, post.body, post.via) == (s.mentor.id, "Run `flask db upgrade` first.", "web")
    assert q.state == QuestionState.ANSWERED
    assert q.first_reply_at == post.created_at
    assert arrived == [(s.question.id, s.mentor.id)]
    assert (
        db.session.scalar(sa.select(Attempt.state).where(Attempt.question_id == q.id, Attempt.mentor_id == s.mentor.id))
        != AttemptState.WAITING
    )

    first = q.first_reply_at
    thread.post_answer(s.question.id, s.lead.id, "And check the search path.", via="email")
    q = reload(s.question)
    assert q.first_reply_at == first
    assert [p.via for p in posts_of(q)] == ["web", "email"]


def test_the_askers_follow_up_keeps_the_question_open_and_routing_going(s, arrived):
    thread.post_answer(s.question.id, s.asker.id, "It also fails on a fresh database.")
    q = reload(s.question)
    assert q.state == QuestionState.OPEN and q.first_reply_at is None
    assert arrived == []
    assert [a.state for a in q.attempts][-1] == AttemptState.WAITING


def test_the_askers_follow_up_to_an_answer_leaves_it_answered(s, arrived):
    thread.post_answer(s.question.id, s.mentor.id, "Which error exactly?")
    thread.post_answer(s.question.id, s.asker.id, "`relation invoices does not exist`")
    assert reload(s.question).state == QuestionState.ANSWERED
    assert len(arrived) == 1


def test_an_answer_from_a_mentor_it_moved_away_from_is_kept(s, arrived):
    thread.post_answer(s.question.id, s.earlier_mentor.id, "Sorry, late: run the migrations.")
    q = reload(s.question)
    assert [p.author_id for p in posts_of(q)] == [s.earlier_mentor.id]
    assert q.state == QuestionState.ANSWERED
    assert arrived == [(q.id, s.earlier_mentor.id)]
    assert not [a for a in q.attempts if a.state == AttemptState.WAITING]


def test_an_answer_on_a_resolved_question_is_kept_and_searchable(s, arrived, indexed):
    thread.resolve(s.question.id, s.asker.id)
    thread.post_answer(s.question.id, s.mentor.id, "For next time: `alembic heads` shows it.")
    q = reload(s.question)
    assert q.state == QuestionState.RESOLVED
    assert "alembic heads" in q.kb_text
    assert indexed == [(q.id,), (q.id,)]


@pytest.mark.parametrize(
    "body, message",
    [
        ("", "Please write something before posting."),
        ("   \n\t ", "Please write something before posting."),
        (None, "Please write something before posting."),
        ("x" * (thread.POST_MAX_CHARS + 1), "Please keep a post under 10,000 characters (this one has 10,001)."),
    ],
)
def test_an_empty_or_huge_post_is_refused_with_the_limit_named(s, body, message):
    with pytest.raises(InvalidInput) as caught:
        thread.post_answer(s.question.id, s.mentor.id, body)
    assert caught.value.fields == {"body": message}
    db.session.rollback()
    assert posts_of(s.question) == []


def test_a_post_just_at_the_limit_is_kept(s, arrived):
    thread.post_answer(s.question.id, s.mentor.id, "x" * thread.POST_MAX_CHARS)
    assert len(posts_of(s.question)) == 1


def test_a_post_from_an_unknown_channel_is_refused(s):
    with pytest.raises(InvalidInput) as caught:
        thread.post_answer(s.question.id, s.mentor.id, "hi", via="fax")
    assert set(caught.value.fields) == {"via"}


@pytest.mark.parametrize("who", ["other new hire", "other lead", "unrelated mentor"])
def test_people_who_may_not_see_the_question_cannot_post(s, who):
    with pytest.raises(thread.QuestionNotFound):
        thread.post_answer(s.question.id, s.person(who).id, "I know this one")
    db.session.rollback()
    assert posts_of(s.question) == []


def test_a_question_that_does_not_exist_looks_like_one_you_may_not_see(s):
    with pytest.raises(thread.QuestionNotFound):
        thread.post_answer(s.question.id + 1000, s.admin.id, "hello")


def test_a_deactivated_account_cannot_post(s):
    s.mentor.active = False
    db.session.commit()
    with pytest.raises(thread.QuestionNotFound):
        thread.post_answer(s.question.id, s.mentor.id, "hello")


# Resolving


def test_the_asker_resolves_chooses_how_it_is_published_and_routing_stops(s, indexed):
    q = thread.resolve(s.question.id, s.asker.id, "named")
    q = reload(q)
    assert q.state == QuestionState.RESOLVED and q.resolved_at is not None
    assert q.visibility == Visibility.NAMED
    assert {a.state for a in q.attempts} == {AttemptState.TIMED_OUT, AttemptState.CLOSED}
    assert all(a.closed_at for a in q.attempts if a.state == AttemptState.CLOSED)
    assert indexed == [(q.id,)]
    assert "relation does not exist" in q.kb_text


def test_resolving_again_keeps_the_time_and_may_change_the_choice(s, indexed):
    first = reload(thread.resolve(s.question.id, s.asker.id, "anonymous")).resolved_at
    q = reload(thread.resolve(s.question.id, s.asker.id, "private"))
    assert (q.resolved_at, q.visibility) == (first, Visibility.PRIVATE)


def test_resolving_without_a_choice_keeps_the_one_made_when_asking(make):
    asker = make.user()
    q = question(asker, [make.mentor()], visibility=Visibility.PRIVATE)
    assert reload(thread.resolve(q.id, asker.id)).visibility == Visibility.PRIVATE


def test_the_mentor_who_answered_may_resolve_but_not_choose_how_it_is_published(s, arrived):
    thread.post_answer(s.question.id, s.mentor.id, "Fixed in the config.")
    db.session.commit()  # the test owns its transaction, as a request or job would
    with pytest.raises(thread.NotAllowed, match="chooses how"):
        thread.resolve(s.question.id, s.mentor.id, "named")
    db.session.rollback()
    q = reload(thread.resolve(s.question.id, s.mentor.id))
    assert q.state == QuestionState.RESOLVED and q.visibility == Visibility.ANONYMOUS


@pytest.mark.parametrize("who", ["mentor", "lead", "admin"])
def test_who_has_not_answered_cannot_resolve_someone_elses_question(s, who):
    with pytest.raises(thread.NotAllowed):
        thread.resolve(s.question.id, s.person(who).id)
    db.session.rollback()
    assert reload(s.question).state == QuestionState.OPEN


def test_resolving_with_an_unknown_choice_is_refused(s):
    with pytest.raises(InvalidInput) as caught:
        thread.resolve(s.question.id, s.asker.id, "public")
    assert caught.value.fields == {"visibility": "Choose named, anonymous or private."}


def test_people_who_may_not_see_the_question_cannot_resolve_it(s):
    with pytest.raises(thread.QuestionNotFound):
        thread.resolve(s.question.id, s.other_new_hire.id)


# Rating


def test_the_asker_rates_the_answer_and_may_change_their_mind(s, arrived):
    thread.post_answer(s.question.id, s.mentor.id, "Try this.")
    thread.rate_answer(s.question.id, s.asker.id, True, "  Worked at once.  ")
    q = reload(s.question)
    assert (q.helpful, q.helpful_note) == (True, "Worked at once.")
    thread.rate_answer(s.question.id, s.asker.id, False)
    q = reload(s.question)
    assert (q.helpful, q.helpful_note) == (False, "")


def test_a_resolved_question_can_still_be_rated(s, arrived):
    thread.post_answer(s.question.id, s.mentor.id, "Try this.")
    thread.resolve(s.question.id, s.asker.id)
    assert reload(thread.rate_answer(s.question.id, s.asker.id, True)).helpful is True


def test_there_is_nothing_to_rate_before_an_answer(s, arrived):
    thread.post_answer(s.question.id, s.asker.id, "Anyone?")
    with pytest.raises(thread.NotYet, match="no answer to rate"):
        thread.rate_answer(s.question.id, s.asker.id, True)


@pytest.mark.parametrize("who", ["mentor", "lead", "admin"])
def test_only_the_asker_rates(s, arrived, who):
    thread.post_answer(s.question.id, s.mentor.id, "Try this.")
    with pytest.raises(thread.NotAllowed):
        thread.rate_answer(s.question.id, s.person(who).id, True)
    db.session.rollback()
    assert reload(s.question).helpful is None


def test_a_rating_must_be_yes_or_no_and_its_note_short(s, arrived):
    thread.post_answer(s.question.id, s.mentor.id, "Try this.")
    with pytest.raises(InvalidInput) as caught:
        thread.rate_answer(s.question.id, s.asker.id, "yes")
    assert set(caught.value.fields) == {"helpful"}
    with pytest.raises(InvalidInput) as caught:
        thread.rate_answer(s.question.id, s.asker.id, True, "n" * 301)
    assert caught.value.fields == {"note": "Please keep the note under 300 characters (this one has 301)."}


# Pages


def test_the_thread_page_shows_the_question_and_the_thread_safely(client, auth, make, arrived):
    python = make.skill("Python")
    s = scene(
        make,
        goal="Deploy <the> service",
        stuck="It says **denied**.<script>alert(1)</script>",
        skills=[python],
        link="https://wiki.example.com/deploy",
        page_title="Deploy guide",
    )
    thread.post_answer(s.question.id, s.mentor.id, "Check [the docs](https://docs.example.com).")
    sign_in(auth, s.asker)
    page = client.get(f"/help/questions/{s.question.id}").get_data(as_text=True)
    assert "Deploy &lt;the&gt; service" in page
    assert "<strong>denied</strong>" in page and "<script>alert(1)" not in page
    assert '<span class="tag">Python</span>' in page
    assert '<a href="https://wiki.example.com/deploy" rel="nofollow noopener" target="_blank">Deploy guide</a>' in page
    assert '<a href="https://docs.example.com" rel="nofollow noopener">the docs</a>' in page
    assert "Mia Mentor" in page
    assert "Add a follow-up" in page and "Did the answer help?" in page
    assert "Publish it without my name" in page


def test_a_link_that_is_not_http_is_not_made_clickable(client, auth, make):
    s = scene(make, link="javascript:alert(1)")
    sign_in(auth, s.asker)
    assert "javascript:alert" not in client.get(f"/help/questions/{s.question.id}").get_data(as_text=True)


def test_the_asked_mentor_sees_who_is_asked_and_an_answer_box(client, auth, s):
    sign_in(auth, s.mentor)
    page = client.get(f"/help/questions/{s.question.id}").get_data(as_text=True)
    assert "Waiting for you to reply" in page
    assert "Your answer" in page
    assert "Did the answer help?" not in page and "Publish it" not in page


def test_a_mentor_answers_on_the_page(client, auth, s, arrived):
    sign_in(auth, s.mentor)
    response = client.post(f"/help/questions/{s.question.id}/posts", data={"body": "Use `--sql`."})
    post = posts_of(s.question)[0]
    assert response.status_code == 302
    assert response.headers["Location"] == f"/help/questions/{s.question.id}#post-{post.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your answer is posted." in page and "<code>--sql</code>" in page
    assert reload(s.question).state == QuestionState.ANSWERED


def test_an_empty_answer_on_the_page_says_why_and_saves_nothing(client, auth, s):
    sign_in(auth, s.mentor)
    response = client.post(f"/help/questions/{s.question.id}/posts", data={"body": "  "})
    assert response.status_code == 400
    assert "Please write something before posting." in response.get_data(as_text=True)
    assert posts_of(s.question) == []


def test_the_asker_resolves_and_rates_on_the_page(client, auth, s, arrived, indexed):
    thread.post_answer(s.question.id, s.mentor.id, "Try this.")
    sign_in(auth, s.asker)
    response = client.post(f"/help/questions/{s.question.id}/resolve", data={"visibility": "private"})
    assert response.status_code == 302
    response = client.post(f"/help/questions/{s.question.id}/rating", data={"yes": "Yes, it helped", "note": "Thanks!"})
    assert response.status_code == 302
    q = reload(s.question)
    assert (q.state, q.visibility, q.helpful, q.helpful_note) == (
        QuestionState.RESOLVED,
        Visibility.PRIVATE,
        True,
        "Thanks!",
    )
    page = client.get(f"/help/questions/{q.id}").get_data(as_text=True)
    assert "You said: yes, it helped." in page and "Save the choice" in page


def test_the_mentor_who_answered_resolves_on_the_page(client, auth, s, arrived, indexed):
    thread.post_answer(s.question.id, s.mentor.id, "Try this.")
    sign_in(auth, s.mentor)
    page = client.get(f"/help/questions/{s.question.id}").get_data(as_text=True)
    assert "Mark resolved" in page and "chooses whether it joins" in page
    response = client.post(f"/help/questions/{s.question.id}/resolve", data={"visibility": "named"})
    assert response.status_code == 302
    q = reload(s.question)
    assert (q.state, q.visibility) == (QuestionState.RESOLVED, Visibility.ANONYMOUS)


def test_my_questions_lists_only_mine_newest_first(client, auth, make):
    s = scene(make, goal="Older question")
    newer = question(s.asker, [s.mentor], goal="Newer question")
    newer.created_at += timedelta(minutes=5)
    question(s.other_new_hire, [s.mentor], goal="Someone else's")
    db.session.commit()
    sign_in(auth, s.asker)
    page = client.get("/help/questions").get_data(as_text=True)
    assert page.index("Newer question") < page.index("Older question")
    assert "Someone else" not in page
    assert f'href="/help/questions/{newer.id}"' in page


# The embed page


def test_only_the_embed_page_may_be_framed(client, auth, s):
    sign_in(auth, s.asker)
    embed = client.get("/help/embed?link=https://crm.example.com/deal/7&title=Deal%207")
    assert embed.status_code == 200
    policy = [part.strip() for part in embed.headers["Content-Security-Policy"].split(";")]
    assert "frame-ancestors *" in policy and "script-src 'self'" in policy
    assert "X-Frame-Options" not in embed.headers
    page = embed.get_data(as_text=True)
    assert 'value="https://crm.example.com/deal/7"' in page and "From the page “Deal 7”" in page
    assert '<header class="top">' not in page  # the panel is narrow: no site navigation
    thread_page = client.get(f"/help/questions/{s.question.id}")
    assert "frame-ancestors *" not in thread_page.headers.get("Content-Security-Policy", "")


def test_the_embed_page_signed_out_offers_the_ask_form_in_a_tab_of_its_own(client):
    # A sign-in page must never be framed: the panel links out instead of redirecting.
    response = client.get("/help/embed?link=https://crm.example.com/deal/7&title=Deal%207")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<base target="_blank">' in page and "<form" not in page
    assert 'href="/help/ask?link=https://crm.example.com/deal/7&amp;title=Deal+7"' in page
    assert client.post("/help/embed", data={"goal": "x", "stuck": "y"}).status_code == 401


def test_asking_from_the_panel_saves_one_question_and_links_to_it(client, auth, s, jobs):
    sign_in(auth, s.asker)
    data = {
        "goal": "Export the deal",
        "stuck": "The export button is grey.",
        "urgency": "blocking",
        "link": "https://crm.example.com/deal/7",
        "page_title": "Deal 7",
        "request_key": "k-1",
    }
    first = client.post("/help/embed", data=data)
    again = client.post("/help/embed", data=data)
    assert first.status_code == again.status_code == 200
    asked = db.session.scalars(sa.select(Question).where(Question.goal == "Export the deal")).all()
    assert len(asked) == 1
    assert asked[0].link == "https://crm.example.com/deal/7" and asked[0].page_title == "Deal 7"
    assert f'href="/help/questions/{asked[0].id}"' in first.get_data(as_text=True)
    assert "frame-ancestors *" in first.headers["Content-Security-Policy"]


def test_asking_from_the_panel_with_nothing_filled_in_says_why(client, auth, s):
    sign_in(auth, s.asker)
    response = client.post("/help/embed", data={"goal": "", "stuck": ""})
    assert response.status_code == 400
    assert 'role="alert"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 1


def test_a_page_address_that_is_not_a_web_link_is_left_out_of_the_panel(client, auth, s):
    sign_in(auth, s.asker)
    page = client.get("/help/embed?link=file:///home/noor/notes.txt&title=Notes").get_data(as_text=True)
    assert "file:" not in page and "From the page “Notes”" in page


def test_the_button_script_is_served_for_other_sites(client):
    response = client.get("/help/static/help/button.js")
    assert response.status_code == 200
    assert response.mimetype in ("text/javascript", "application/javascript")
    assert "/help/embed?link=" in response.get_data(as_text=True)
    response.close()


def test_an_expired_panel_form_says_so(app, client, auth, s):
    sign_in(auth, s.asker)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/help/embed", data={"goal": "Export the deal", "stuck": "The button is grey."})
    assert response.status_code == 400
    assert "The CSRF token is missing." in response.get_data(as_text=True)
