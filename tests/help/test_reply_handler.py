"""Answering by email: the help desk's reply handler posts a reply as the sender's post,
once, or refuses it in words the sender can act on."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.help import replies, thread
from app.help.models import Attempt, AttemptState, Post, Question, QuestionState
from app.mail.incoming.handlers import Reply, ReplyRefused, reply_handler
from tests.help.routing_scenes import mails_to, text_of
from tests.help.threads import scene


@pytest.fixture
def s(make):
    """Nina's question, waiting for Mia (asked after Max)."""
    return scene(make)


def reply(
    s, who: str = "mentor", text: str = "Run `flask db upgrade` first.", message_id: str = "<a1@mail.example.com>"
) -> Reply:
    return Reply(
        purpose="question",
        object_id=s.question.id,
        user_id=s.person(who).id,
        text=text,
        subject="Re: Nina New is stuck: Run the billing migration",
        message_id=message_id,
    )


def posts_of(s) -> list[Post]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Post).where(Post.question_id == s.question.id).order_by(Post.id)))


def test_the_help_desk_handles_replies_to_its_addresses(app):
    assert reply_handler("question") is replies.post_reply


def test_a_mentors_reply_is_posted_as_their_answer_and_the_asker_hears_of_it(s, jobs, smtp):
    replies.post_reply(reply(s))
    db.session.commit()  # the test owns its transaction, as a request or job would

    [post] = posts_of(s)
    assert (post.author_id, post.body, post.via) == (s.mentor.id, "Run `flask db upgrade` first.", "email")
    assert post.source_message_id == "<a1@mail.example.com>"
    question = db.session.get(Question, s.question.id)
    assert question.state == QuestionState.ANSWERED and question.first_reply_at is not None
    assert (
        db.session.scalar(
            sa.select(Attempt.state).where(Attempt.question_id == s.question.id, Attempt.mentor_id == s.mentor.id)
        )
        == AttemptState.ANSWERED
    )

    jobs.run()
    [told] = mails_to(smtp, s.asker)
    assert told["Subject"] == "Mia Mentor answered: Run the billing migration"
    assert "Run `flask db upgrade` first." in text_of(told)


def test_the_askers_reply_is_a_follow_up_for_the_mentor(s, jobs, smtp):
    replies.post_reply(reply(s, "asker", "It still says the relation does not exist."))
    db.session.commit()  # the test owns its transaction, as a request or job would
    [post] = posts_of(s)
    assert (post.author_id, post.via) == (s.asker.id, "email")
    assert db.session.get(Question, s.question.id).state == QuestionState.OPEN
    jobs.run()
    assert [m["Subject"] for m in mails_to(smtp, s.mentor)] == ["Nina New followed up: Run the billing migration"]


def test_the_same_email_handed_over_twice_is_posted_once(s, jobs, smtp):
    replies.post_reply(reply(s))
    db.session.commit()  # the test owns its transaction, as a request or job would
    replies.post_reply(reply(s))
    db.session.commit()  # the test owns its transaction, as a request or job would
    thread.resolve(s.question.id, s.asker.id)
    db.session.commit()  # the test owns its transaction, as a request or job would
    replies.post_reply(reply(s))  # still the same email: nothing to refuse, nothing to post
    db.session.commit()  # the test owns its transaction, as a request or job would

    assert len(posts_of(s)) == 1
    jobs.run()
    assert len(mails_to(smtp, s.asker)) == 1


def test_two_runs_with_the_same_email_at_once_post_once(s, monkeypatch):
    replies.post_reply(reply(s))
    db.session.commit()  # the test owns its transaction, as a request or job would
    real, looks = replies._posted, []

    def posted(source: str) -> bool:
        # The second run's first look came before the first run committed: it saw nothing.
        looks.append(source)
        return False if len(looks) == 1 else real(source)

    monkeypatch.setattr(replies, "_posted", posted)
    replies.post_reply(reply(s))  # the Message-ID is unique among posts: no second post
    db.session.commit()  # the test owns its transaction, as a request or job would
    assert len(posts_of(s)) == 1
    assert len(looks) == 2


def test_different_emails_are_different_posts(s):
    replies.post_reply(reply(s, message_id="<a1@mail.example.com>"))
    db.session.commit()  # the test owns its transaction, as a request or job would
    replies.post_reply(reply(s, text="And check the search path.", message_id="<a2@mail.example.com>"))
    db.session.commit()  # the test owns its transaction, as a request or job would
    replies.post_reply(reply(s, text="Without an id, it is posted.", message_id=""))
    db.session.commit()  # the test owns its transaction, as a request or job would
    assert [p.body for p in posts_of(s)] == [
        "Run `flask db upgrade` first.",
        "And check the search path.",
        "Without an id, it is posted.",
    ]


def test_a_message_id_longer_than_the_column_is_kept_as_a_digest(s):
    long_id = "<" + "x" * 300 + "@mail.example.com>"
    replies.post_reply(reply(s, message_id=long_id))
    db.session.commit()  # the test owns its transaction, as a request or job would
    replies.post_reply(reply(s, message_id=long_id))
    db.session.commit()  # the test owns its transaction, as a request or job would
    [post] = posts_of(s)
    assert post.source_message_id.startswith("sha256:") and len(post.source_message_id) <= 250


def test_a_reply_on_a_resolved_question_is_posted_and_it_stays_resolved(s):
    thread.resolve(s.question.id, s.asker.id)
    db.session.commit()  # the test owns its transaction, as a request or job would
    replies.post_reply(reply(s))
    db.session.commit()  # the test owns its transaction, as a request or job would
    assert [p.body for p in posts_of(s)] == ["Run `flask db upgrade` first."]
    assert db.session.get(Question, s.question.id).state == QuestionState.RESOLVED


@pytest.mark.parametrize("who", ["unrelated_mentor", "other_new_hire", "other_lead"])
def test_someone_who_may_not_see_the_question_is_refused(s, who):
    with pytest.raises(ReplyRefused, match="You can no longer see this question"):
        replies.post_reply(reply(s, who))
        db.session.commit()  # the test owns its transaction, as a request or job would
    assert posts_of(s) == []


def test_a_deactivated_mentor_is_refused(s):
    s.mentor.active = False
    db.session.commit()
    with pytest.raises(ReplyRefused, match="You can no longer see this question"):
        replies.post_reply(reply(s))
        db.session.commit()  # the test owns its transaction, as a request or job would
    assert posts_of(s) == []


def test_a_reply_about_a_question_that_is_gone_is_refused(s):
    gone = Reply(
        purpose="question",
        object_id=s.question.id + 1000,
        user_id=s.mentor.id,
        text="Hi",
        message_id="<gone@mail.example.com>",
    )
    with pytest.raises(ReplyRefused, match="You can no longer see this question"):
        replies.post_reply(gone)
        db.session.commit()  # the test owns its transaction, as a request or job would


@pytest.mark.parametrize(
    "text, words",
    [
        ("x" * (thread.POST_MAX_CHARS + 1), "Please keep a post under 10,000 characters (this one has 10,001)."),
        ("   \n ", "Please write something before posting."),
    ],
)
def test_text_that_cannot_be_posted_is_refused_with_the_reason(s, jobs, smtp, text, words):
    with pytest.raises(ReplyRefused) as refused:
        replies.post_reply(reply(s, text=text))
        db.session.commit()  # the test owns its transaction, as a request or job would
    assert str(refused.value) == words
    assert posts_of(s) == []
    assert db.session.get(Question, s.question.id).state == QuestionState.OPEN
    jobs.run()
    assert mails_to(smtp, s.asker) == []
