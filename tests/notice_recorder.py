"""A chat channel for tests: it keeps, per notice key, the card its message shows, as a
chat would after the commit (what a rolled-back transaction sent or revised never shows).

    with recording(app) as chat:
        chat.link(person)                 # their notices of every topic go to email and here
        chat.shown(f"question-ask:{attempt.id}")   # the card that message shows now
        click("question.take", person, str(attempt.id))   # a button, as a chat calls it
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.extensions import db
from app.notices.actions import Done, run_action, run_thread_reply
from app.notices.core import TOPICS, Card, Notice
from app.notices.models import NoticeChoice


class Recorder:
    """The app/notices/channels.Channel protocol, keeping what each message shows."""

    name = "recorder"
    title = "Test chat"

    def __init__(self) -> None:
        self.cards: dict[str, Card] = {}  # what each message shows now, by notice key
        self.readers: dict[str, int] = {}  # who each message went to
        self.threads: dict[str, str | None] = {}  # the chat thread each message lives in
        self.revisions: list[str] = []  # the keys revised, in order (messages sent only)
        self._pending: list[tuple] = []

    def reaches(self, person) -> bool:
        return True

    def holds(self, person_id: int, thread: str) -> bool:
        return False

    def send(self, person, notice: Notice) -> None:
        self._pending.append(("send", notice.key, notice.card, person.id, notice.thread))

    def send_team(self, team, notice: Notice) -> bool:
        return False

    def revise(self, key: str, card: Card) -> None:
        self._pending.append(("revise", key, card, None, None))

    def committed(self, session) -> None:
        for what, key, card, person_id, thread in self._pending:
            if what == "send" and key not in self.cards:
                self.cards[key], self.readers[key], self.threads[key] = card, person_id, thread
            elif what == "revise" and key in self.cards:
                self.cards[key] = card
                self.revisions.append(key)
        self._pending.clear()

    def rolled_back(self, session) -> None:
        self._pending.clear()

    def link(self, *people) -> None:
        """Have these people's notices of every topic come by email and to this chat."""
        for person in people:
            for topic in TOPICS:
                db.session.merge(NoticeChoice(user_id=person.id, topic=topic, channels=["email", self.name]))
        db.session.commit()

    def shown(self, key: str) -> Card | None:
        return self.cards.get(key)

    def buttons(self, key: str) -> list[str]:
        card = self.cards.get(key)
        return [b.label for b in card.buttons] if card else []


@contextmanager
def recording(app) -> Iterator[Recorder]:
    """Register the recording channel on the app for the test, and take it away after."""
    recorder = Recorder()
    channels = app.extensions.setdefault("notice_channels", {})
    channels[recorder.name] = recorder
    sa.event.listen(Session, "after_commit", recorder.committed)
    sa.event.listen(Session, "after_rollback", recorder.rolled_back)
    try:
        yield recorder
    finally:
        sa.event.remove(Session, "after_commit", recorder.committed)
        sa.event.remove(Session, "after_rollback", recorder.rolled_back)
        channels.pop(recorder.name, None)


def click(name: str, person, value: str, text: str | None = None) -> Done:
    """Press a button as a chat does: run its action, and commit whatever it answers (a chat
    answers a refusal in the chat, so nothing but the action keeps a refusal from saving)."""
    try:
        return run_action(name, person, value, text)
    finally:
        db.session.commit()


def reply_in_chat(thread: str, person, text: str, source_key: str) -> bool:
    """Write in a notice's chat thread, as a chat hands it over; commit as it does."""
    try:
        return run_thread_reply(thread, person, text, source_key)
    finally:
        db.session.commit()
