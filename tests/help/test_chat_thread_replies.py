"""What people write in a question's chat thread is posted on the question as theirs, as a
reply by email is: once per chat message, told to the others, and refused with nothing
posted for someone who is not part of the question."""

from __future__ import annotations

import pytest

from app.errors import NotFound, Refused
from app.help.models import AttemptState, QuestionState
from tests.help.chat_scene import ask_key, asked, chat, posts_of  # noqa: F401  (fixtures)
from tests.help.routing_scenes import attempts_of, mails_to
from tests.notice_recorder import reply_in_chat


def test_a_reply_in_the_questions_thread_is_the_mentors_answer_posted_once(asked, chat, jobs, smtp):
    ari, ben, nina, question, attempt = asked
    thread = chat.threads[ask_key(attempt)]
    assert thread == f"question-{question.id}"

    for _ in range(2):  # the same chat message handed over twice
        assert reply_in_chat(thread, ari, "Run `flask db upgrade` first.", "chat:D1:1700000000.000200") is True

    assert posts_of(question) == [(ari.id, "Run `flask db upgrade` first.", "chat")]
    assert [(a.mentor_id, a.state) for a in attempts_of(question)] == [(ari.id, AttemptState.ANSWERED)]
    assert question.state == QuestionState.ANSWERED
    assert chat.shown(ask_key(attempt)).title == "Answered — thank you"
    jobs.run()
    assert [m["Subject"] for m in mails_to(smtp, nina)] == ["Ari First answered: Run the billing migration"]

    reply_in_chat(thread, nina, "Thanks, that worked.", "chat:D2:1700000000.000300")
    assert posts_of(question)[-1] == (nina.id, "Thanks, that worked.", "chat")


def test_someone_not_part_of_the_question_is_refused_and_nothing_is_posted(asked, chat):
    ari, ben, nina, question, attempt = asked
    with pytest.raises(Refused, match="You can no longer see this question in Unstuck"):
        reply_in_chat(f"question-{question.id}", ben, "I know this one!", "chat:D3:1")
    with pytest.raises(Refused, match="Please write something before posting."):
        reply_in_chat(f"question-{question.id}", ari, "   ", "chat:D1:2")
    for gone in ("question-99999999", "question-99999999999999999999"):
        with pytest.raises((Refused, NotFound)):
            reply_in_chat(gone, ari, "Hello?", "chat:D1:3")
    assert posts_of(question) == []
