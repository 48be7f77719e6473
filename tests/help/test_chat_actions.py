"""A question's buttons in a chat message, pressed as a chat presses them: the mentor takes,
answers, passes on or lets go of a question, the asker rates the answer and resolves it,
each through the same services as the pages; refusals save nothing, and every message the
chat already shows follows the question, so that it never offers what no longer applies.
Routed by a real worker, with the mails sent to a real SMTP server."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.errors import Conflict, InvalidInput, NotFound, Refused
from app.extensions import db
from app.help.chat_actions import Stale
from app.help.jobs import sweep
from app.help.models import AttemptState, Post, Question, QuestionState
from app.help.routing import mentor_unreached
from app.mail.outgoing.bounces import PausedMail
from app.people.leavers import leave
from tests.help.chat_scene import ask_key, asked, chat, looks, posts_of  # noqa: F401  (fixtures)
from tests.help.routing_scenes import attempts_of, live_of, mails_to, overdue, text_of
from tests.notice_recorder import click


def test_the_person_asked_takes_it_from_the_chat_and_the_message_becomes_theirs(asked, chat, jobs, smtp):
    ari, ben, nina, question, attempt = asked
    assert chat.readers[ask_key(attempt)] == ari.id
    assert chat.buttons(ask_key(attempt)) == ["Take it", "Answer", "Pass it on"]

    done = click("question.take", ari, str(attempt.id))

    assert "Nina New knows you're on it" in done.message
    taken = live_of(question)
    assert (taken.mentor_id, taken.taken_at is not None) == (ari.id, True)
    assert done.card.title == "You took Nina New's question"
    assert [b.label for b in done.card.buttons] == ["Answer", "I can't after all"]
    assert looks(chat.shown(ask_key(attempt))) == looks(done.card)  # the message already sent says so too
    jobs.run()
    assert [m["Subject"] for m in mails_to(smtp, nina)] == ["Ari First is on your question"]
    assert chat.shown(f"question-taken:{attempt.id}").title == "Ari First is on your question"

    again = click("question.take", ari, str(attempt.id))  # a second click changes nothing
    assert looks(again.card) == looks(done.card) and live_of(question).taken_at == taken.taken_at


def test_an_answer_written_in_the_chat_is_posted_and_the_asker_told(asked, chat, jobs, smtp):
    ari, ben, nina, question, attempt = asked

    with pytest.raises(InvalidInput):
        click("question.answer", ari, str(attempt.id), "   ")
    assert posts_of(question) == [] and live_of(question).state == AttemptState.WAITING

    done = click("question.answer", ari, str(attempt.id), "Run `flask db upgrade` first.")

    assert done.message == "Your answer is posted on Nina New's question, and Nina New will hear of it."
    assert posts_of(question) == [(ari.id, "Run `flask db upgrade` first.", "chat")]
    assert [(a.mentor_id, a.state) for a in attempts_of(question)] == [(ari.id, AttemptState.ANSWERED)]
    assert db.session.get(Question, question.id).state == QuestionState.ANSWERED
    assert done.card.title == "Answered — thank you" and done.card.buttons == ()
    assert looks(chat.shown(ask_key(attempt))) == looks(done.card)
    jobs.run()
    [told] = mails_to(smtp, nina)
    assert told["Subject"] == "Ari First answered: Run the billing migration"
    [post_id] = db.session.scalars(sa.select(Post.id).where(Post.question_id == question.id))
    assert chat.buttons(f"question-reply:{post_id}:{nina.id}") == ["Helpful", "Not helpful", "Resolved"]


def test_passing_on_with_a_hint_routes_it_to_the_next_mentor(asked, chat, jobs, smtp):
    ari, ben, nina, question, attempt = asked

    with pytest.raises(InvalidInput):
        click("question.pass", ari, str(attempt.id), "x" * 301)
    assert live_of(question).id == attempt.id

    done = click("question.pass", ari, str(attempt.id), "ask Ben, he wrote it")

    assert done.message == "Passed on. We are asking someone else now."
    assert [(a.mentor_id, a.state, a.hint) for a in attempts_of(question)] == [
        (ari.id, AttemptState.PASSED, "ask Ben, he wrote it"),
        (ben.id, AttemptState.WAITING, ""),
    ]
    assert done.card.title == "You passed this question on" and done.card.buttons == ()
    assert looks(chat.shown(ask_key(attempt))) == looks(done.card)
    jobs.run()
    [to_ben] = mails_to(smtp, ben)
    assert "- Ari First: ask Ben, he wrote it" in text_of(to_ben)
    following = live_of(question)
    assert chat.readers[ask_key(following)] == ben.id
    assert ("Hint from Ari First", "ask Ben, he wrote it") in chat.shown(ask_key(following)).facts


def test_a_taker_lets_it_go_and_the_asker_hears_where_it_went(asked, chat, jobs, smtp):
    ari, ben, nina, question, attempt = asked

    with pytest.raises(Conflict, match="You have not taken this question: pass it on instead.") as refused:
        click("question.release", ari, str(attempt.id))
    assert not isinstance(refused.value, Stale)  # the message that asked them still applies
    assert live_of(question).id == attempt.id

    click("question.take", ari, str(attempt.id))
    done = click("question.release", ari, str(attempt.id), "")

    assert done.message == "Released. We asked Ben Second now. They will know why."
    assert [(a.mentor_id, a.state) for a in attempts_of(question)] == [
        (ari.id, AttemptState.RELEASED),
        (ben.id, AttemptState.WAITING),
    ]
    assert chat.shown(ask_key(attempt)).title == "You let this question go"
    jobs.run()
    assert [m["Subject"] for m in mails_to(smtp, nina)] == [
        "Ari First is on your question",
        "Your question went to Ben Second",
    ]


def test_a_button_on_a_question_that_moved_on_says_so_and_shows_where_it_stands(asked, chat, jobs):
    ari, ben, nina, question, attempt = asked
    click("question.take", ari, str(attempt.id))
    overdue(attempt)
    assert sweep() == 1  # the hold ended: it went to Ben
    jobs.run()
    moved = chat.shown(ask_key(attempt))
    assert moved.title == "This question moved on to someone else" and moved.buttons == ()

    for name in ("question.take", "question.pass", "question.release"):
        with pytest.raises(Stale) as refused:
            click(name, ari, str(attempt.id))
        assert refused.value.status == 409
        assert refused.value.message == "This question has moved on already."
        assert looks(refused.value.card) == looks(moved)
    assert [(a.mentor_id, a.state) for a in attempts_of(question)] == [
        (ari.id, AttemptState.TIMED_OUT),
        (ben.id, AttemptState.WAITING),
    ]
    # An answer is never lost: written after all, it is posted, and Ben's wait ends.
    click("question.answer", ari, str(attempt.id), "Sorry I was late: run the migration first.")
    assert [a.state for a in attempts_of(question)] == [AttemptState.TIMED_OUT, AttemptState.CLOSED]
    following = attempts_of(question)[1]
    assert (
        chat.shown(ask_key(following)).text
        == "Someone else answered Nina New's question. You can still add to the thread."
    )


@pytest.mark.parametrize("value", ["abc", "", " 12x", "-3", "²", "99999999", "99999999999999999999"])
def test_a_button_with_a_bad_or_gone_value_changes_nothing(asked, value, committed_rows):
    ari, ben, nina, question, attempt = asked
    before = committed_rows(["routing_attempts", "question_posts", "questions"])
    for name in ("question.take", "question.answer", "question.pass", "question.release"):
        with pytest.raises((InvalidInput, NotFound)):
            click(name, ari, value, "An answer")
    for name in ("question.helpful", "question.not_helpful", "question.resolve"):
        with pytest.raises((InvalidInput, NotFound)):
            click(name, nina, value)
    assert committed_rows(["routing_attempts", "question_posts", "questions"]) == before


def test_only_the_person_asked_acts_on_the_question_and_only_the_asker_rates(asked, chat, jobs):
    ari, ben, nina, question, attempt = asked
    for person in (ben, nina):
        for name in ("question.take", "question.answer", "question.pass", "question.release"):
            with pytest.raises(NotFound, match="This question was not sent to you."):
                click(name, person, str(attempt.id), "Mine now")
    with pytest.raises(NotFound):
        click("question.no_such_button", ari, str(attempt.id))
    assert posts_of(question) == [] and live_of(question).taken_at is None

    with pytest.raises(Conflict, match="There is no answer to rate yet."):
        click("question.helpful", nina, str(question.id))
    click("question.answer", ari, str(attempt.id), "Run `flask db upgrade` first.")
    with pytest.raises(Refused, match="Only the person who asked can say whether the answer helped."):
        click("question.helpful", ari, str(question.id))
    with pytest.raises(NotFound):  # Ben was never asked: the question does not exist for him
        click("question.resolve", ben, str(question.id))
    assert db.session.get(Question, question.id).helpful is None


def test_the_asker_rates_and_resolves_and_their_message_keeps_only_what_applies(asked, chat, jobs, smtp):
    ari, ben, nina, question, attempt = asked
    click("question.answer", ari, str(attempt.id), "Run `flask db upgrade` first.")
    jobs.run()
    [post_id] = db.session.scalars(sa.select(Post.id).where(Post.question_id == question.id))
    key = f"question-reply:{post_id}:{nina.id}"

    done = click("question.helpful", nina, str(question.id))
    assert done.message.startswith("Thanks — we are glad it helped.")
    assert db.session.get(Question, question.id).helpful is True
    assert done.card.text == "You said the answer helped."
    assert chat.buttons(key) == ["Resolved"] and looks(chat.shown(key)) == looks(done.card)

    click("question.not_helpful", nina, str(question.id), "It still fails")
    db.session.expire_all()
    assert (db.session.get(Question, question.id).helpful, db.session.get(Question, question.id).helpful_note) == (
        False,
        "It still fails",
    )

    done = click("question.resolve", nina, str(question.id))
    assert done.message == "Marked resolved. Thank you!"
    assert db.session.get(Question, question.id).state == QuestionState.RESOLVED
    assert chat.buttons(key) == [] and "The question is resolved." in chat.shown(key).text


def test_resolving_ends_the_wait_of_the_mentor_asked(asked, chat):
    ari, ben, nina, question, attempt = asked
    click("question.resolve", nina, str(question.id))
    assert live_of(question) is None
    card = chat.shown(ask_key(attempt))
    assert (card.title, card.buttons) == ("No answer needed any more", ())
    assert card.text == "Nina New marked the question resolved. Thank you for your time."


def test_when_the_asker_leaves_the_mentor_asked_reads_that_no_answer_is_needed(asked, chat, jobs):
    ari, ben, nina, question, attempt = asked
    leave(nina.id)
    db.session.commit()
    card = chat.shown(ask_key(attempt))
    assert (card.title, card.buttons) == ("No answer needed any more", ())
    assert card.text.startswith("Nina New is no longer with the team")
    with pytest.raises(Stale):
        click("question.take", ari, str(attempt.id))


def test_when_the_mentor_asked_leaves_their_message_says_it_moved_on(asked, chat, jobs):
    ari, ben, nina, question, attempt = asked
    leave(ari.id)
    db.session.commit()
    jobs.run()
    assert chat.shown(ask_key(attempt)).title == "This question moved on to someone else"
    assert live_of(question).mentor_id == ben.id
    with pytest.raises(Refused):  # and their account no longer acts
        click("question.take", ari, str(attempt.id))


def test_when_mail_to_the_person_asked_bounces_their_chat_message_says_it_moved_on(asked, chat):
    ari, ben, nina, question, attempt = asked
    paused = PausedMail(0, ask_key(attempt), "question_ask", ari.id, "question", question.id, "it bounced")
    assert mentor_unreached(paused).mentor_id == ben.id
    assert chat.shown(ask_key(attempt)).title == "This question moved on to someone else"
    with pytest.raises(Stale):
        click("question.take", ari, str(attempt.id))
