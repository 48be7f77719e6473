"""A question's thread: answers and follow-ups, resolving and rating."""

import pytest
import sqlalchemy as sa

from app.errors import InvalidInput
from app.extensions import db
from app.help import thread
from app.help.models import Attempt, AttemptState, QuestionState, Visibility
from tests.help.thread_fixtures import (
    arrived,  # noqa: F401  (fixture)
    indexed,  # noqa: F401  (fixture)
    posts_of,
    reload,
    s,  # noqa: F401  (fixture)
)
from tests.help.threads import question

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
