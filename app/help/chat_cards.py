"""What the help desk's chat messages show once things have moved: the message that asked a
mentor (and the reminder to a taker) says where the question stands for them, and the
asker's message about an answer stops offering what they already did.

Wherever an attempt's situation changes (taken, answered, passed, released, timed out,
moved on, withdrawn, resolved), the service calls `revise_attempt`; a rating or resolving
calls `revise_answers`. Each card is drawn from the rows as they are now, so calling one
twice shows the same thing.
"""

from __future__ import annotations

from app.help import mail_links
from app.help.models import Attempt, AttemptState, Post, Question, QuestionState
from app.help.notices import ASK_KEY, HINT
from app.notices.channels import revise
from app.notices.core import Button, Card
from app.times import time_with_zone
from app.urls import external_url

HOLD_ENDING_KEY = "question-hold-ending:"

# Why an attempt ended, when its state alone does not say (the live attempt closed).
ANSWERED_ELSEWHERE = "answered"
RESOLVED = "resolved"
WITHDRAWN = "withdrawn"


def _thread_url(question: Question) -> str:
    return external_url("help.thread", question_id=question.id)


def taken_card(attempt: Attempt) -> Card:
    """A question the person took: by when they answer, and how they answer or let it go."""
    question, person = attempt.question, attempt.mentor
    until = time_with_zone(attempt.deadline_at, person.timezone)
    value = str(attempt.id)
    return Card(
        title=f"You took {question.asker.name}'s question",
        text=f"It stays with you until {until}: answer by then. {question.asker.name} knows you are on it.",
        quote=f"{question.goal}\n\n{question.stuck}".strip(),
        facts=(("Answer by", until),),
        buttons=(
            Button("Answer", "question.answer", value, _thread_url(question), style="primary", asks="Your answer"),
            Button(
                "I can't after all",
                "question.release",
                value,
                mail_links.release_link(attempt),
                asks=HINT,
                optional=True,
            ),
        ),
        link=_thread_url(question),
        link_label="Open the question",
    )


def _ended(title: str, text: str, question: Question) -> Card:
    return Card(title=title, text=text, quote=question.goal, link=_thread_url(question), link_label="Open the question")


def attempt_card(attempt: Attempt, why: str | None = None) -> Card | None:
    """Where an attempt stands, for the person it asked; None while it still waits untaken
    (the message that asked them still applies)."""
    question = attempt.question
    state = attempt.state
    asker = question.asker.name
    if state == AttemptState.WAITING:
        if question.state != QuestionState.OPEN:
            return _ended("No answer needed any more", f"{asker}'s question has an answer now.", question)
        return taken_card(attempt) if attempt.taken_at is not None else None
    if state == AttemptState.ANSWERED:
        return _ended("Answered — thank you", f"Your answer is on {asker}'s question, and {asker} knows.", question)
    if state == AttemptState.PASSED:
        hint = f" Your hint: {attempt.hint}" if attempt.hint else ""
        return _ended("You passed this question on", f"We are asking someone else.{hint}", question)
    if state == AttemptState.RELEASED:
        return _ended("You let this question go", f"We are asking someone else, and {asker} knows.", question)
    if state == AttemptState.CLOSED:
        if why == WITHDRAWN:
            text = f"{asker} is no longer with the team, so the question is closed. Thank you for your time."
        elif why == RESOLVED or question.state == QuestionState.RESOLVED:
            text = f"{asker} marked the question resolved. Thank you for your time."
        else:
            text = f"Someone else answered {asker}'s question. You can still add to the thread."
        return _ended("No answer needed any more", text, question)
    # Timed out, unreached, or its person left: it went on to someone else.
    return _ended(
        "This question moved on to someone else",
        "It is no longer waiting for you. You can still post on the thread if you have something to add.",
        question,
    )


def revise_attempt(attempt: Attempt, why: str | None = None) -> Card | None:
    """Make the chat messages that asked this attempt's person (and reminded them, once they
    took it) say where it stands now; return that card (None: the ask still applies)."""
    card = attempt_card(attempt, why)
    if card is None:
        return None
    revise(f"{ASK_KEY}{attempt.id}", card)
    if attempt.reminded_at is not None:
        revise(f"{HOLD_ENDING_KEY}{attempt.id}", card)
    return card


def answer_card(question: Question, post: Post) -> Card:
    """The asker's message about an answer, after they rated it or resolved the question:
    what they said, and only the buttons that still do something."""
    author = post.author.name if post.author else "Someone"
    said = []
    if question.helpful is not None:
        said.append("You said the answer helped." if question.helpful else "You said the answer did not help.")
    if question.state == QuestionState.RESOLVED:
        said.append("The question is resolved.")
    value = str(question.id)
    buttons: tuple[Button, ...] = ()
    if question.helpful is None:
        buttons += (
            Button("Helpful", "question.helpful", value, mail_links.rate_link(question, True), style="primary"),
            Button("Not helpful", "question.not_helpful", value, mail_links.rate_link(question, False)),
        )
    if question.state != QuestionState.RESOLVED:
        buttons += (Button("Resolved", "question.resolve", value, _thread_url(question)),)
    return Card(
        title=f"{author} answered your question",
        text=" ".join(said),
        quote=post.body,
        buttons=buttons,
        link=_thread_url(question),
    )


def revise_answers(question: Question) -> Card | None:
    """Make the asker's chat messages about each answer show what they said of it; return
    the card of the latest answer (None: no answer yet)."""
    card = None
    for post in question.posts:
        if post.author_id is not None and post.author_id != question.asker_id:
            card = answer_card(question, post)
            revise(f"question-reply:{post.id}:{question.asker_id}", card)
    return card
