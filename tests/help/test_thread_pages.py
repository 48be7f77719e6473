"""A question's thread on its pages: the thread page, answering, resolving and rating there,
my questions, and the embed page with its ask panel."""

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.help import thread
from app.help.models import Question, QuestionState, Visibility
from tests.help.thread_fixtures import (
    arrived,  # noqa: F401  (fixture)
    indexed,  # noqa: F401  (fixture)
    posts_of,
    reload,
    s,  # noqa: F401  (fixture)
)
from tests.help.threads import question, scene, sign_in

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
