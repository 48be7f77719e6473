"""The help desk's notices: asking a mentor (or the team lead) to answer, telling the asker
a mentor took their question, reminding a taker, telling the asker (and a taker whose hold
ended) where a question went, and telling people of new posts on a thread.

Each is told once (app.notices), by email and in the chat where the reader chose, with a
key per attempt or post, so a job that runs twice sends it once. Mails about one question
thread together in the reader's mail client, and each carries the reader's own reply
address, so answering is replying, and one-click links for the rest; in a chat, the card's
buttons do what the links do.
"""

from __future__ import annotations

from app.help import CAN_WAIT_TOPIC, mail_links
from app.help.attempt_words import asked_before, escalation_reason, hints_for, hold_text, reason_for
from app.help.duplicates import repeat_for
from app.help.models import Attempt, AttemptState, Question, Urgency
from app.mail.addresses import reply_address
from app.notices.channels import tell
from app.notices.core import Button, Card, Notice
from app.times import time_with_zone
from app.urls import external_url

# The purpose of the help desk's reply addresses; app.help.replies handles what comes back.
REPLY_PURPOSE = "question"
# The kind of the mail that asks a mentor (or the lead); routing hears when it is not sent.
ASK_KIND = "question_ask"
ASK_KEY = "question-ask:"

SUBJECT_GOAL_CHARS = 80
HINT = "A hint for the next person"


def _on_thread(question: Question, reader) -> dict:
    """What every mail about a question carries: it threads with the question's other mails,
    and the reader's own reply address, so that replying posts on the thread."""
    return dict(
        thread=f"question-{question.id}",
        about=("question", question.id),
        reply_to=reply_address(REPLY_PURPOSE, question.id, reader.id),
    )


def topic_for(question: Question, person) -> str:
    """The topic of a notice about a question, as its reader chose channels for it."""
    if person.id == question.asker_id:
        return "answers"
    return "questions_blocking" if question.urgency == Urgency.BLOCKING else CAN_WAIT_TOPIC


def _tell(person, question: Question, key: str, card: Card, **mail) -> None:
    """Tell one person of a question, by mail threaded with its other mails and in the
    chat thread where the question lives for them."""
    mail = {**_on_thread(question, person), **mail}
    notice = Notice(key, topic_for(question, person), card, mail, mail["thread"], ("question", question.id))
    tell(person, notice)


def ask_card(attempt: Attempt, escalated: bool = False) -> Card:
    """The chat message that asks a mentor (or the lead): the question, why them, by when,
    and the buttons that take it, pass it on or answer it there."""
    question, person = attempt.question, attempt.mentor
    facts = [("Asked by", question.asker.name), ("Why you", reason_for(attempt))]
    if question.skills:
        facts.append(("Skills", ", ".join(s.name for s in question.skills)))
    facts.append(("Answer by", time_with_zone(attempt.deadline_at, person.timezone)))
    facts += [(f"Hint from {h['name']}", h["hint"]) for h in hints_for(question)]
    value = str(attempt.id)
    thread_url = external_url("help.thread", question_id=question.id)
    return Card(
        title=f"Nobody has answered {question.asker.name} yet" if escalated else f"{question.asker.name} is stuck",
        text=escalation_reason(attempt) if escalated else "",
        quote=f"{question.goal}\n\n{question.stuck}".strip(),
        facts=tuple(facts),
        buttons=(
            Button("Take it", "question.take", value, mail_links.take_link(attempt), style="primary"),
            Button("Answer", "question.answer", value, thread_url, asks="Your answer"),
            Button("Pass it on", "question.pass", value, mail_links.pass_link(attempt), asks=HINT, optional=True),
        ),
        link=thread_url,
        link_label="Open the question",
    )


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUBJECT_GOAL_CHARS else text[: SUBJECT_GOAL_CHARS - 1].rstrip() + "…"


def ask(attempt: Attempt, escalated: bool = False) -> None:
    """Mail the person asked now, with the question, any hints and their deadline; they
    answer by replying, and take or pass the question with one click."""
    question, person = attempt.question, attempt.mentor
    asker = question.asker
    if escalated:
        subject = f"Nobody has answered {asker.name} yet: {_short(question.goal)}"
    else:
        subject = f"{asker.name} is stuck: {_short(question.goal)}"
    _tell(
        person,
        question,
        f"{ASK_KEY}{attempt.id}",
        ask_card(attempt, escalated),
        kind=ASK_KIND,
        subject=subject,
        template="help/email/routing_ask",
        context={
            "question": question,
            "attempt": attempt,
            "asker": asker,
            "escalated": escalated,
            "reason": reason_for(attempt),
            "hints": hints_for(question),
            "escalation": escalation_reason(attempt) if escalated else "",
            "hold": hold_text(question.urgency),
            "asked_before": asked_before(attempt) if escalated else [],
            "deadline": time_with_zone(attempt.deadline_at, person.timezone),
            "thread_url": external_url("help.thread", question_id=question.id),
            "take_url": mail_links.take_link(attempt),
            "pass_url": mail_links.pass_link(attempt),
            "inbox_url": external_url("help.inbox"),
            "repeat": repeat_for(question, person.id, external=True),
        },
    )


def asked_attempt_id(key: str) -> int | None:
    """The attempt that an ask mail (by its key) told its person of; None for another key."""
    number = key.removeprefix(ASK_KEY) if key.startswith(ASK_KEY) else ""
    return int(number) if number.isdigit() else None


def taken(attempt: Attempt) -> None:
    """Tell the asker that the person asked is on their question, and by when to expect a reply."""
    question, mentor = attempt.question, attempt.mentor
    asker = question.asker
    deadline = time_with_zone(attempt.deadline_at, asker.timezone)
    card = Card(
        title=f"{mentor.name} is on your question",
        text=f"Expect an answer by {deadline}.",
        quote=question.goal,
        link=external_url("help.thread", question_id=question.id),
    )
    _tell(
        asker,
        question,
        f"question-taken:{attempt.id}",
        card,
        kind="question_taken",
        subject=f"{mentor.name} is on your question",
        template="help/email/taken",
        context={
            "question": question,
            "mentor": mentor,
            "deadline": time_with_zone(attempt.deadline_at, asker.timezone),
            "thread_url": external_url("help.thread", question_id=question.id),
        },
    )


def reply(question: Question, post, to) -> None:
    """Tell one person that a reply was posted on a question they are part of.

    They can reply to the mail to post on the thread; the asker, told of an answer, can
    also say with one click whether it helped.
    """
    author = post.author.name if post.author else "Someone"
    for_asker = to.id == question.asker_id
    rate = for_asker and post.author_id != question.asker_id
    if for_asker:
        subject = f"{author} answered: {_short(question.goal)}"
    else:
        subject = f"{author} followed up: {_short(question.goal)}"
    buttons = ()
    if rate:
        value = str(question.id)
        buttons = (
            Button("Helpful", "question.helpful", value, mail_links.rate_link(question, True), style="primary"),
            Button("Not helpful", "question.not_helpful", value, mail_links.rate_link(question, False)),
            Button("Resolved", "question.resolve", value, external_url("help.thread", question_id=question.id)),
        )
    card = Card(
        title=f"{author} answered your question" if for_asker else f"{author} followed up",
        text=_short(question.goal),
        quote=post.body,
        buttons=buttons,
        link=external_url("help.thread", question_id=question.id),
    )
    _tell(
        to,
        question,
        f"question-reply:{post.id}:{to.id}",
        card,
        kind="question_reply",
        subject=subject,
        template="help/email/reply",
        context={
            "question": question,
            "post": post,
            "author": author,
            "person": to,
            "for_asker": for_asker,
            "helped_url": mail_links.rate_link(question, True) if rate else None,
            "not_helped_url": mail_links.rate_link(question, False) if rate else None,
            "thread_url": external_url("help.thread", question_id=question.id),
        },
    )


def _note(key: str, to, attempt: Attempt, subject: str, paragraphs: list[str], links: list[tuple[str, str]]) -> None:
    """A short routing note about a question, threaded with its other mails."""
    question = attempt.question
    url = external_url("help.thread", question_id=question.id)
    card = Card(
        title=subject,
        text="\n\n".join(paragraphs),
        buttons=tuple(Button(label, url=href) for label, href in links),
        link=url,
        link_label="Open the question",
    )
    _tell(
        to,
        question,
        key,
        card,
        kind="question_routing_note",
        subject=subject,
        template="help/email/routing_note",
        context={
            "question": question,
            "paragraphs": paragraphs,
            "links": links + [("Open the question", external_url("help.thread", question_id=question.id))],
        },
    )


def off_hours(attempt: Attempt, starts) -> None:
    """Tell the asker of a blocking question who has it when those who could answer are off
    work: someone working now in another zone, or the first one whose work starts, and when."""
    asker, person = attempt.question.asker, attempt.mentor
    deadline = time_with_zone(attempt.deadline_at, asker.timezone)
    if starts > attempt.created_at:
        subject = f"Nobody who can answer is working now: {person.name} will see it first"
        text = (
            f"Nobody who can answer your question is working right now. {person.name} is the first to start: "
            f"at {time_with_zone(starts, asker.timezone)}. They will see it then; if they have not answered by "
            f"{deadline}, we ask the next person."
        )
    else:
        subject = f"{person.name} has your question now"
        text = (
            f"Some mentors who could answer are not working right now, so we asked {person.name}, who is "
            f"working now in another time zone ({person.timezone}). Expect an answer by {deadline}."
        )
    _note(f"question-off-hours:{attempt.id}", asker, attempt, subject, [text], [])


def hold_ending(attempt: Attempt) -> None:
    """Remind the taker, once, that their hold on the question ends soon."""
    asker, person = attempt.question.asker, attempt.mentor
    _note(
        f"question-hold-ending:{attempt.id}",
        person,
        attempt,
        f"Reminder: {asker.name} is waiting for your answer: {_short(attempt.question.goal)}",
        [
            f"You took {asker.name}'s question at {time_with_zone(attempt.taken_at, person.timezone)}. It stays with "
            f"you until {time_with_zone(attempt.deadline_at, person.timezone)}; after that it goes to someone else.",
            "Reply to this email to answer. Can't after all? Release it, and we ask someone else at once.",
        ],
        [("I can't after all", mail_links.release_link(attempt))],
    )


def moved_on(left: Attempt, following: Attempt | None, to_taker: bool) -> None:
    """Tell the asker (and, when their hold ended, the taker) where a taken question went."""
    question, taker = left.question, left.mentor
    asker = question.asker
    if following is None:
        where = "Nobody else can take it right now; it stays open and goes to the next person who can."
    else:
        where = (
            f"We asked {following.mentor.name} now ({reason_for(following).replace('you ', 'they ')}); "
            f"expect a reply by {time_with_zone(following.deadline_at, asker.timezone)}."
        )
    if left.state == AttemptState.LEFT:
        why = "The mentor who had your question is no longer with the team, so we asked someone else at once."
    elif left.state in (AttemptState.RELEASED, AttemptState.PASSED):
        why = f"{taker.name} took your question but cannot answer it after all."
    else:
        why = (
            f"{taker.name} took your question at {time_with_zone(left.taken_at, asker.timezone)} but did not "
            f"answer while it was theirs (until {time_with_zone(left.deadline_at, asker.timezone)})."
        )
    subject = (
        f"Your question went to {following.mentor.name}"
        if following is not None
        else "Your question waits for the next free mentor"
    )
    _note(f"question-moved:{left.id}:asker", asker, left, subject, [why, where], [])
    if to_taker:
        there = following.mentor.name if following is not None else "nobody yet: it waits for the next free mentor"
        _note(
            f"question-moved:{left.id}:taker",
            taker,
            left,
            f"{asker.name}'s question moved on: {_short(question.goal)}",
            [
                f"You took this question; it was yours until {time_with_zone(left.deadline_at, taker.timezone)}, "
                f"and it has now gone to {there}. {asker.name} knows.",
                "You can still post on the thread if you have something to add.",
            ],
            [],
        )


def withdrawn(attempt: Attempt) -> None:
    """Tell the person asked (or the taker) that the asker left: no answer is needed."""
    question, person = attempt.question, attempt.mentor
    _note(
        f"question-withdrawn:{attempt.id}",
        person,
        attempt,
        f"No answer needed: {_short(question.goal)}",
        [
            "The person who asked this question is no longer with the team, so it is closed. "
            "Thank you for your time; there is nothing more to do."
        ],
        [],
    )
