"""Learnings written in the chat thread of the week's prompt: added as the writer's, of the
kinds their labels say, once per chat message, and refused with nothing saved when the
week is closed or the writer is not invited, as a reply to the prompt's email is."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.errors import Refused
from app.extensions import db, utcnow
from sessions.learnings.prompt import send_due_prompts
from sessions.models import Learning, LearningKind
from tests.notice_recorder import recording, reply_in_chat
from tests.sessions.learnings.scene import make_scene


@pytest.fixture
def chat(app):
    with recording(app) as recorder:
        yield recorder


@pytest.fixture
def s(make, jobs, smtp, chat):
    """The scene, with the coming session's prompt sent to Ana in the chat."""
    scene = make_scene(make)
    chat.link(scene.ana, scene.outsider)
    send_due_prompts(scene.start() - timedelta(hours=20))
    jobs.run()
    return scene


def thread_of(chat, s) -> str:
    week = s.week()
    key = f"session-prompt:{week.id}:{s.ana.id}"
    assert chat.readers[key] == s.ana.id and chat.threads[key] == f"session-week-{week.id}"
    return chat.threads[key]


def saved(s) -> list[tuple]:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(Learning).where(Learning.week_id == s.week().id).order_by(Learning.id))
    return [(x.author_id, x.kind, x.text, x.via) for x in rows]


def test_what_someone_writes_in_the_prompts_thread_becomes_their_learnings_once(s, chat):
    thread = thread_of(chat, s)
    words = "Learned: EXPLAIN ANALYZE shows the real plan.\nStuck on: the CI cache keeps old wheels."

    assert reply_in_chat(thread, s.ana, words, "chat:C1:1700000000.000100") is True
    assert reply_in_chat(thread, s.ana, words, "chat:C1:1700000000.000100") is True  # handed over again

    assert saved(s) == [
        (s.ana.id, LearningKind.LEARNED, "EXPLAIN ANALYZE shows the real plan.", "chat"),
        (s.ana.id, LearningKind.STUCK, "the CI cache keeps old wheels.", "chat"),
    ]


def test_a_closed_week_or_someone_not_invited_is_refused_and_nothing_is_saved(s, chat):
    thread = thread_of(chat, s)
    with pytest.raises(Refused, match="Only the people invited to"):
        reply_in_chat(thread, s.outsider, "Learned: something", "chat:C2:1")
    with pytest.raises(Refused, match="We found no learnings in your reply"):
        reply_in_chat(thread, s.ana, "Learned:", "chat:C1:2")
    week = s.week()
    week.closed_at = utcnow()
    db.session.commit()
    with pytest.raises(Refused, match="is closed, so learnings can no longer be added to it"):
        reply_in_chat(thread, s.ana, "Learned: too late", "chat:C1:3")
    assert saved(s) == []


def test_a_thread_that_takes_no_replies_or_a_week_that_is_gone(s, chat):
    assert reply_in_chat("session-summary-1", s.ana, "Learned: x", "chat:C1:4") is False
    with pytest.raises(Refused, match="That session no longer exists"):
        reply_in_chat("session-week-999999", s.ana, "Learned: x", "chat:C1:5")
    with pytest.raises(Refused, match="That session no longer exists"):
        reply_in_chat("session-week-99999999999999999999", s.ana, "Learned: x", "chat:C1:6")
