"""The pure parts of notices: the topics people choose channels for, the card every chat
channel draws a notice from, and which channels a notice takes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

EMAIL = "email"

# The topics a person chooses channels for, with how the page names them. Mail that only
# email can carry (invitations, sign-in links, calendar invitations) is not a notice.
TOPICS: dict[str, str] = {
    "questions_blocking": "A blocking question for you to answer",
    "questions_can_wait": "A question that can wait (alone or in a digest)",
    "answers": "Answers and follow-ups on questions you are part of",
    "mentorship": "Mentorship proposals, reminders and news",
    "sessions": "Weekly sessions: the learnings prompt, the reminder and the summary",
}


@dataclass(frozen=True)
class Button:
    """One button of a card: an action done in the chat itself, or a link into Unstuck.

    `action` names a registered action (app.notices.actions) and `value` what it acts on
    (an attempt id, say); `asks` makes the chat ask for a text first (a hint, an answer),
    which the action receives. `url` opens a page (a one-click link, say): a button with
    only a url is a link everywhere, and a chat that cannot call Unstuck back (a Teams
    incoming webhook) opens the url of a button that has both."""

    label: str
    action: str | None = None
    value: str = ""
    url: str | None = None
    style: str | None = None  # "primary" or "danger"
    asks: str | None = None
    optional: bool = False  # whether the text asked for may be left empty


@dataclass(frozen=True)
class Card:
    """What a chat message shows. `text` is Unstuck's own words; `quote` is what a person
    wrote (a question, an answer), which every channel shows as plain, escaped text."""

    title: str
    text: str = ""
    quote: str = ""
    facts: tuple[tuple[str, str], ...] = ()
    buttons: tuple[Button, ...] = ()
    link: str | None = None  # the page in Unstuck where it all lives
    link_label: str = "Open in Unstuck"


def card_to_json(card: Card) -> dict:
    """A card as plain JSON, for a channel to keep beside what it sent."""
    return asdict(card)


def card_from_json(data: dict) -> Card:
    """The card that card_to_json kept; keys it does not know are left out."""
    known = {name for name in Card.__dataclass_fields__}
    return Card(
        **{
            **{k: v for k, v in data.items() if k in known},
            "facts": tuple(tuple(fact) for fact in data.get("facts", ())),
            "buttons": tuple(Button(**b) for b in data.get("buttons", ())),
        }
    )


@dataclass(frozen=True)
class Notice:
    """One thing to tell one person (or a team).

    `key` makes it once-only: telling it again sends nothing new on any channel. `mail` is
    send_mail's arguments but `key` and `to`; a notice without it reaches no inbox.
    `thread` names the conversation it belongs to ("question-12"): a chat channel posts a
    thread's later notices in one chat thread, and a question asked from a chat has its
    answers told there."""

    key: str
    topic: str
    card: Card
    mail: dict | None = None
    thread: str | None = None
    about: tuple[str, int] | None = field(default=None)


def channels_for(chosen: Iterable[str] | None, reachable: Iterable[str], holding: Iterable[str]) -> list[str]:
    """The channels a notice takes for one person, by name.

    `chosen` is what the person chose for the notice's topic (None: never chosen, so
    email); `reachable` the channels that can reach them now (installed and linked);
    `holding` the channels where the notice's thread already lives for them, which always
    carry it. When nothing chosen can reach them, email does, so nothing is dropped."""
    wanted = {EMAIL} if chosen is None else set(chosen)
    taken = (wanted & set(reachable)) | set(holding)
    return sorted(taken) if taken else [EMAIL]
