"""Taking, passing and rating from the one-click links in the help desk's emails, and
"I'll take it" in the web inbox.

A GET only asks (mail scanners open links); a POST acts, once; a link works only for its
own person and object, and only while there is something left to do.
"""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.help import holds, routing, thread
from app.help.mail_links import pass_link, rate_link, take_link
from app.help.mentor_pool import schedule_of
from app.help.models import Attempt, AttemptState, Question, Urgency
from app.help.working_time import add_working, add_working_days
from app.mail.outgoing import OutboundMail
from app.times import time_with_zone
from app.tokens import UsedLinkToken, make_token
from tests.help.routing_scenes import mails_to, overdue, text_of
from tests.help.threads import scene, sign_in


@pytest.fixture
def s(make):
    """Nina's question, waiting for Mia (asked after Max); it can wait, so Mia has 4 hours."""
    return scene(make)


def path(url: str) -> str:
    return url.removeprefix("http://localhost")


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def live(s) -> Attempt:
    """Mia's attempt, as the database has it now."""
    db.session.expire_all()
    return db.session.scalar(
        sa.select(Attempt).where(Attempt.question_id == s.question.id, Attempt.mentor_id == s.mentor.id)
    )


def question_of(s) -> Question:
    db.session.expire_all()
    return db.session.get(Question, s.question.id)


def used_links() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(UsedLinkToken))


def answered(s) -> None:
    """Mia answers, so that Nina can say whether it helped."""
    thread.post_answer(s.question.id, s.mentor.id, "Run `flask db upgrade` before the migration.")
    db.session.commit()  # the test owns its transaction, as a request or job would


def links(s) -> dict[str, str]:
    attempt = live(s)
    return {
        "take": path(take_link(attempt)),
        "pass": path(pass_link(attempt)),
        "helpful": path(rate_link(s.question, True)),
        "not-helpful": path(rate_link(s.question, False)),
    }


# A GET only asks


def test_opening_any_link_changes_nothing(s, client, jobs):
    before = live(s).deadline_at
    mails = db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMail))

    for action, url in links(s).items():
        for _ in range(2):  # a scanner, then the person
            response = client.get(url)
            assert response.status_code == 200, action
            assert '<form method="post"' in response.get_data(as_text=True)

    attempt, question = live(s), question_of(s)
    assert (attempt.state, attempt.taken_at, attempt.deadline_at) == (AttemptState.WAITING, None, before)
    assert question.helpful is None
    assert used_links() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMail)) == mails


def test_the_confirmation_pages_say_what_the_button_will_do(s, client):
    urls = links(s)

    take = page(client.get(urls["take"]))
    assert "Will you take this question?" in take and "I'll take it</button>" in take
    assert "Nina New will hear that you are on it" in take
    assert "Nina New asked: Run the billing migration" in take

    passing = page(client.get(urls["pass"]))
    assert "Pass this question on?" in passing and 'name="hint"' in passing

    rating = page(client.get(urls["not-helpful"]))
    assert "No, it did not help</button>" in rating and 'name="note"' in rating


# Taking


def test_taking_from_the_mail_gives_time_and_tells_the_asker_once(s, client, jobs, smtp):
    url = links(s)["take"]
    before = live(s).deadline_at

    done = client.post(url)
    assert done.status_code == 200
    attempt = live(s)
    assert attempt.taken_at is not None and attempt.state == AttemptState.WAITING
    # The question can wait: it is Mia's for one working day of hers from now, more than the hour left.
    assert attempt.deadline_at == add_working_days(schedule_of(s.mentor), attempt.taken_at, 1)
    assert attempt.deadline_at > before
    text = page(done)
    assert (
        "Thanks — Nina New knows you're on it. It stays with you until "
        f"{time_with_zone(attempt.deadline_at, 'Europe/Berlin')} (your working time)."
    ) in text
    assert f'href="/help/questions/{s.question.id}"' in text

    again = client.post(url)
    assert again.status_code == 410 and "This link was already used" in page(again)
    assert "This link was already used" in page(client.get(url))
    assert live(s).deadline_at == attempt.deadline_at

    jobs.run()
    [told] = mails_to(smtp, s.asker)
    assert told["Subject"] == "Mia Mentor is on your question"
    assert f"Expect a reply by {time_with_zone(attempt.deadline_at, 'Europe/Berlin')}" in text_of(told)
    assert told["Reply-To"].addresses[0].addr_spec.startswith("reply+")


def test_taking_never_shortens_a_deadline_and_taking_twice_changes_nothing(s, jobs, smtp):
    far = utcnow() + timedelta(days=10)
    db.session.execute(sa.update(Attempt).where(Attempt.id == live(s).id).values(deadline_at=far))
    db.session.commit()

    taken = holds.take_question(live(s).id, s.mentor.id)
    assert taken.deadline_at == far
    first = taken.taken_at
    again = holds.take_question(live(s).id, s.mentor.id)
    assert (again.taken_at, again.deadline_at) == (first, far)

    jobs.run()
    assert len(mails_to(smtp, s.asker)) == 1


def test_taking_a_blocking_question_holds_it_for_two_of_the_takers_working_hours(make):
    s = scene(make, urgency=Urgency.BLOCKING)
    db.session.execute(
        sa.update(Attempt).where(Attempt.id == live(s).id).values(deadline_at=utcnow() + timedelta(minutes=2))
    )
    db.session.commit()
    taken = holds.take_question(live(s).id, s.mentor.id)
    assert taken.deadline_at == add_working(schedule_of(s.mentor), taken.taken_at, timedelta(hours=2))


@pytest.mark.parametrize("who", ["earlier_mentor", "unrelated_mentor", "asker", "lead", "admin"])
def test_only_the_asked_mentor_can_take_it(s, who):
    with pytest.raises(routing.NotAsked):
        holds.take_question(live(s).id, s.person(who).id)
    assert live(s).taken_at is None


def test_a_question_that_moved_on_cannot_be_taken(s):
    attempt = live(s)
    routing.check_deadline(overdue(attempt).id)
    with pytest.raises(routing.RoutingError, match="moved on already"):
        holds.take_question(attempt.id, s.mentor.id)
    assert live(s).taken_at is None


def test_the_deadline_check_at_the_old_deadline_leaves_a_taken_question_alone(s):
    attempt = live(s)
    holds.take_question(attempt.id, s.mentor.id)
    assert routing.check_deadline(attempt.id) is False
    assert live(s).state == AttemptState.WAITING


# Passing


def test_passing_from_the_mail_moves_the_question_on_with_the_hint(s, client, jobs):
    url = links(s)["pass"]
    done = client.post(url, data={"hint": "  ask   Lena, she ran it last year "})
    assert done.status_code == 200
    assert "Passed on. We are asking someone else now." in page(done)

    attempts = sorted(question_of(s).attempts, key=lambda a: a.number)
    mine = next(a for a in attempts if a.mentor_id == s.mentor.id)
    assert (mine.state, mine.hint) == (AttemptState.PASSED, "ask Lena, she ran it last year")
    nxt = attempts[-1]
    assert nxt.number == mine.number + 1 and nxt.mentor_id not in (s.mentor.id, s.earlier_mentor.id)
    assert nxt.state == AttemptState.WAITING

    assert client.post(url).status_code == 410


def test_a_hint_too_long_is_refused_and_nothing_is_passed(s, client):
    url = links(s)["pass"]
    response = client.post(url, data={"hint": "x" * (routing.HINT_LIMIT + 1)})
    assert response.status_code == 400
    assert "Field cannot be longer than 300 characters." in page(response)
    assert live(s).state == AttemptState.WAITING
    assert used_links() == 0
    assert client.post(url, data={"hint": "ask Lena"}).status_code == 200


# Rating


@pytest.mark.parametrize("action, helpful", [("helpful", True), ("not-helpful", False)])
def test_the_asker_rates_the_answer_from_the_mail(s, client, action, helpful):
    answered(s)
    done = client.post(links(s)[action], data={"note": "The upgrade did it."})
    assert done.status_code == 200
    question = question_of(s)
    assert (question.helpful, question.helpful_note) == (helpful, "The upgrade did it.")
    assert f'href="/help/questions/{s.question.id}"' in done.get_data(as_text=True)


def test_a_second_rating_link_replaces_the_first_rating(s, client):
    answered(s)
    urls = links(s)
    client.post(urls["helpful"])
    client.post(urls["not-helpful"])
    assert question_of(s).helpful is False


def test_there_is_nothing_to_rate_before_an_answer(s, client):
    response = client.post(links(s)["helpful"])
    assert response.status_code == 409
    assert "There is no answer to rate yet." in page(response)
    assert question_of(s).helpful is None
    assert used_links() == 0  # the link still works once there is an answer


# Links that do not work


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_link_says_so_offers_the_web_app_and_changes_nothing(s, client, method):
    old = make_token(
        "question-take", live(s).id, user_id=s.mentor.id, single_use=True, issued_at=utcnow() - timedelta(days=8)
    )
    response = getattr(client, method)(f"/help/email/take/{old}")
    assert response.status_code == 410
    text = page(response)
    assert "This link has expired" in text and "You can do the same in Unstuck itself." in text
    assert 'href="/sign-in"' in text
    assert live(s).taken_at is None


def test_a_rating_link_lasts_longer_than_a_take_link(s, client):
    answered(s)
    token = make_token(
        "question-helpful", s.question.id, user_id=s.asker.id, single_use=True, issued_at=utcnow() - timedelta(days=20)
    )
    assert client.get(f"/help/email/helpful/{token}").status_code == 200


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_altered_link_does_not_work(s, client, method):
    url = links(s)["take"]
    response = getattr(client, method)(url[:-3] + ("aaa" if not url.endswith("aaa") else "bbb"))
    assert response.status_code == 400
    assert "This link does not work" in page(response)
    assert live(s).taken_at is None


def test_a_link_for_one_action_does_not_do_another(s, client):
    token = links(s)["take"].rsplit("/", 1)[1]
    assert client.post(f"/help/email/pass/{token}").status_code == 400
    assert client.post(f"/help/email/answer/{token}").status_code == 404
    assert live(s).state == AttemptState.WAITING


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("action", ["take", "pass"])
def test_a_link_for_someone_elses_attempt_is_not_found(s, client, method, action):
    # Signed for Mia, about Max's attempt on the same question.
    max_attempt = next(a for a in s.question.attempts if a.mentor_id == s.earlier_mentor.id)
    token = make_token(f"question-{action}", max_attempt.id, user_id=s.mentor.id, single_use=True)
    assert getattr(client, method)(f"/help/email/{action}/{token}").status_code == 404
    assert used_links() == 0


@pytest.mark.parametrize("who", ["mentor", "other_new_hire", "admin"])
def test_a_rating_link_for_someone_elses_question_is_not_found(s, client, who):
    answered(s)
    token = make_token("question-helpful", s.question.id, user_id=s.person(who).id, single_use=True)
    assert client.get(f"/help/email/helpful/{token}").status_code == 404
    assert client.post(f"/help/email/helpful/{token}").status_code == 404
    assert question_of(s).helpful is None


def test_a_deactivated_persons_links_do_nothing(s, client):
    url = links(s)["take"]
    s.mentor.active = False
    db.session.commit()
    assert client.post(url).status_code == 404
    assert live(s).taken_at is None


@pytest.mark.parametrize("how", ["timed out", "answered", "resolved"])
@pytest.mark.parametrize("action", ["take", "pass"])
def test_a_link_whose_question_moved_on_says_so(s, client, how, action):
    url = links(s)[action]
    if how == "timed out":
        routing.check_deadline(overdue(live(s)).id)
    elif how == "answered":
        thread.post_answer(s.question.id, s.lead.id, "I know this one: run the upgrade first.")
        db.session.commit()  # the test owns its transaction, as a request or job would
    else:
        thread.resolve(s.question.id, s.asker.id)
        db.session.commit()  # the test owns its transaction, as a request or job would
    state = live(s).state

    for response in (client.get(url), client.post(url, data={"hint": "ask Lena"})):
        assert response.status_code == 409
        text = page(response)
        assert "This question has moved on already." in text
        assert f'href="/help/questions/{s.question.id}"' in text
    assert (live(s).state, live(s).taken_at) == (state, None)
    assert used_links() == 0


def test_the_button_needs_the_pages_csrf_token(app, s, client):
    url = links(s)["take"]
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(url).status_code == 400
        assert live(s).taken_at is None
        form = client.get(url).get_data(as_text=True)
        token = form.split('name="csrf_token" value="')[1].split('"')[0]
        assert client.post(url, data={"csrf_token": token}).status_code == 200
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert live(s).taken_at is not None


# "I'll take it" in the web inbox


def test_the_inbox_offers_to_take_a_question_and_then_says_it_is_taken(s, client, auth, jobs, smtp):
    sign_in(auth, s.mentor)
    inbox = client.get("/help/for-you").get_data(as_text=True)
    take_url = f"/help/for-you/{live(s).id}/take"
    assert f'action="{take_url}"' in inbox and "I&#39;ll take it" in inbox

    response = client.post(take_url, follow_redirects=True)
    text = page(response)
    assert "Thanks — Nina New knows you're on it." in text
    assert "You are on it since" in text and ": Nina New knows." in text
    assert f'action="{take_url}"' not in text
    assert live(s).taken_at is not None
    jobs.run()
    assert [m["Subject"] for m in mails_to(smtp, s.asker)] == ["Mia Mentor is on your question"]


@pytest.mark.parametrize("who", ["earlier_mentor", "asker", "lead", "admin"])
def test_only_the_asked_mentor_can_take_it_in_the_inbox(s, client, auth, who):
    sign_in(auth, s.person(who))
    assert client.post(f"/help/for-you/{live(s).id}/take").status_code == 404
    assert live(s).taken_at is None


def test_taking_in_the_inbox_needs_sign_in(s, client):
    assert client.post(f"/help/for-you/{live(s).id}/take").status_code == 401
