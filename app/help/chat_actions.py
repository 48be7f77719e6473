"""What the help desk's buttons in a chat message do, and where a reply written in a
question's chat thread goes.

Each action calls the same service as the mentor's page or the mail's one-click link, so
the same checks apply: only the person asked takes, answers, passes or releases; only the
asker rates an answer. Each answers with a line for the person and the card their message
shows from now on, or raises the kernel's errors having saved nothing. A button whose
question has moved on raises `Stale`, which carries the card the message shows now.
"""

from __future__ import annotations

from flask import Flask

from app.errors import Conflict, InvalidInput, Refused, ServiceError
from app.extensions import db
from app.help import chat_cards, holds, routing, thread
from app.help.mentor_views import released_message, taken_message
from app.help.models import Attempt, Question
from app.help.notices import REPLY_PURPOSE, ask_card
from app.help.replies import post_reply
from app.mail.incoming.handlers import Reply
from app.notices.actions import Done, register_action, register_thread_reply
from app.notices.core import Card

CHAT = "chat"
ID_MAX = 2**31 - 1  # the largest id a row can have: a larger number names nothing


class Stale(Conflict):
    """A button on a message that no longer applies; `card` is what the message shows now."""

    def __init__(self, message: str, card: Card | None):
        super().__init__(message)
        self.card = card


def _number(value, what: str) -> int:
    text = value.strip() if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit()):
        raise InvalidInput({"value": f"This button does not name a {what}."}, f"This button does not name a {what}.")
    return int(text) if len(text) <= 10 and int(text) <= ID_MAX else 0  # 0: no such row


def _acting(person) -> None:
    if person is None or not getattr(person, "active", False):
        raise Refused("Your Unstuck account is not active, so nothing was changed.")


def _own_attempt(value, person) -> Attempt:
    """The attempt a mentor's button names, if it asked this person; NotFound for anyone else."""
    _acting(person)
    attempt = db.session.get(Attempt, _number(value, "question"))
    if attempt is None or attempt.mentor_id != person.id:
        raise routing.NotAsked("This question was not sent to you.")
    return attempt


def _routing(attempt_id: int, act):
    """Run a routing service; nothing is left half-done when it refuses. A question that moved
    on raises Stale with the card its messages show now (revised too, in case they still
    offer the button); a refusal that leaves the question where it was is raised as it is."""
    try:
        return act()
    except routing.NotAsked:
        db.session.rollback()
        raise
    except routing.RoutingError as exc:
        db.session.rollback()
        attempt = db.session.get(Attempt, attempt_id, populate_existing=True)
        card = chat_cards.revise_attempt(attempt) if attempt is not None else None
        if card is None:
            raise
        raise Stale(str(exc), card) from None


def _hint(text: str | None) -> str:
    hint = " ".join((text or "").split())
    if len(hint) > routing.HINT_LIMIT:
        message = f"Please keep the hint under {routing.HINT_LIMIT} characters (this one has {len(hint)})."
        raise InvalidInput({"hint": message}, message)
    return hint


# -- the person asked --------------------------------------------------------------------


def take(person, value: str, text: str | None = None) -> Done:
    """ "Take it": the question is theirs for the taken window, and the asker hears so."""
    attempt = _own_attempt(value, person)
    taken = _routing(attempt.id, lambda: holds.take_question(attempt.id, person.id))
    return Done(taken_message(taken), chat_cards.taken_card(taken))


def answer(person, value: str, text: str | None = None) -> Done:
    """ "Answer": the text is posted on the question as their answer, as on the web; it
    ends the wait, whether or not they took it first, and the asker hears of it."""
    attempt = _own_attempt(value, person)
    body = thread.clean_body(text)  # before anything is written
    try:
        thread.post_answer(attempt.question_id, person.id, body, via=CHAT)
    except ServiceError:
        db.session.rollback()
        raise
    db.session.refresh(attempt)
    asker = attempt.question.asker.name
    card = chat_cards.attempt_card(attempt) or chat_cards.taken_card(attempt)
    return Done(f"Your answer is posted on {asker}'s question, and {asker} will hear of it.", card)


def pass_on(person, value: str, text: str | None = None) -> Done:
    """ "Pass it on", with an optional hint: the question goes to the next person at once."""
    attempt = _own_attempt(value, person)
    hint = _hint(text)
    _routing(attempt.id, lambda: routing.pass_question(attempt.id, person.id, hint))
    return Done("Passed on. We are asking someone else now.", _card_now(attempt.id))


def release(person, value: str, text: str | None = None) -> Done:
    """ "I can't after all", for a question they took: it moves on at once, the asker knows."""
    attempt = _own_attempt(value, person)
    hint = _hint(text)
    following = _routing(attempt.id, lambda: holds.release_question(attempt.id, person.id, hint))
    return Done(released_message(following), _card_now(attempt.id))


def _card_now(attempt_id: int) -> Card:
    attempt = db.session.get(Attempt, attempt_id, populate_existing=True)
    return chat_cards.attempt_card(attempt) or ask_card(attempt)


# -- the asker ---------------------------------------------------------------------------


def _on_question(value, person, act) -> Question:
    _acting(person)
    question_id = _number(value, "question")
    try:
        return act(question_id)
    except ServiceError:
        db.session.rollback()
        raise


def _answers_card(question: Question) -> Card | None:
    answers = [p for p in question.posts if p.author_id is not None and p.author_id != question.asker_id]
    return chat_cards.answer_card(question, answers[-1]) if answers else None


def helpful(person, value: str, text: str | None = None) -> Done:
    """ "Helpful": the asker says the answer helped (a second rating replaces the first)."""
    question = _on_question(value, person, lambda qid: thread.rate_answer(qid, person.id, True, text or ""))
    message = "Thanks — we are glad it helped. If it is solved, you can mark it resolved."
    return Done(message, _answers_card(question))


def not_helpful(person, value: str, text: str | None = None) -> Done:
    """ "Not helpful": the asker says the answer did not help."""
    question = _on_question(value, person, lambda qid: thread.rate_answer(qid, person.id, False, text or ""))
    message = "Thanks for telling us. Reply in the thread to say what is still missing."
    return Done(message, _answers_card(question))


def resolve(person, value: str, text: str | None = None) -> Done:
    """ "Resolved": the question is done; routing stops, and it keeps its publishing choice."""
    question = _on_question(value, person, lambda qid: thread.resolve(qid, person.id))
    return Done("Marked resolved. Thank you!", _answers_card(question))


# -- replies written in a question's chat thread ------------------------------------------


def reply_in_thread(person, question_id: int, text: str, source_key: str) -> None:
    """Post what someone wrote in a question's chat thread as their post, as a reply by
    email is posted: once per chat message, and only by someone who may see the question."""
    _acting(person)
    if question_id > ID_MAX:
        raise thread.QuestionNotFound("There is no such question.")
    reply = Reply(REPLY_PURPOSE, question_id, person.id, text, message_id=source_key)
    try:
        post_reply(reply, via=CHAT)
    except ServiceError:
        db.session.rollback()
        raise


ACTIONS = {
    "question.take": take,
    "question.answer": answer,
    "question.pass": pass_on,
    "question.release": release,
    "question.helpful": helpful,
    "question.not_helpful": not_helpful,
    "question.resolve": resolve,
}


def register(app: Flask) -> None:
    """Give the chats the help desk's buttons, and the replies in its questions' threads."""
    for name, handler in ACTIONS.items():
        register_action(app, name, handler)
    register_thread_reply(app, "question", reply_in_thread)
