"""Replies written in a chat thread reach the feature that owns the thread, by its name; a
thread name that is not one of ours is left alone, never an error."""

from __future__ import annotations

import pytest

from app.notices.actions import register_thread_reply, run_thread_reply


@pytest.fixture
def replies(app):
    seen: list[tuple] = []
    before = dict(app.extensions.get("notice_thread_replies", {}))
    register_thread_reply(app, "note", lambda person, object_id, text, source: seen.append((object_id, text, source)))
    yield seen
    app.extensions["notice_thread_replies"] = before


def test_a_reply_goes_to_the_feature_with_the_threads_object(app, replies):
    assert run_thread_reply("note-12", None, "Thanks!", "chat:1") is True
    assert replies == [(12, "Thanks!", "chat:1")]


@pytest.mark.parametrize("thread", ["note-", "note-²", "note-1a", "note-١٢", "other-12", "note12", ""])
def test_a_thread_that_is_not_ours_is_left_alone(app, replies, thread):
    assert run_thread_reply(thread, None, "hello?", "chat:2") is False
    assert replies == []
