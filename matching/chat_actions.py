"""What the Accept and Decline buttons of a mentorship proposal do in a chat message: the
same services as the mentoring page and the mail's one-click links, so only the proposed
mentor may answer, and a full mentor is told to raise their limit or decline.

Each answers with a line for the mentor and the card their message shows from now on, or
raises the kernel's errors having saved nothing. A proposal already answered, run out or
withdrawn raises `Stale`, which carries the card the message shows now.
"""

from __future__ import annotations

from flask import Flask

from app.errors import Conflict, InvalidInput, NotFound, Refused, ServiceError
from app.extensions import db
from app.notices.actions import Done, register_action
from app.notices.core import Card
from matching import chat_cards, services
from matching.models import Mentorship

ID_MAX = 2**31 - 1  # the largest id a row can have: a larger number names nothing


class Stale(Conflict):
    """A button on a proposal that was decided; `card` is what the message shows now."""

    def __init__(self, message: str, card: Card | None):
        super().__init__(message)
        self.card = card


def _proposal(person, value) -> Mentorship:
    """The mentorship a button names, if the person is one of its sides; NotFound otherwise."""
    if person is None or not getattr(person, "active", False):
        raise Refused("Your Unstuck account is not active, so nothing was changed.")
    text = value.strip() if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit()):
        raise InvalidInput({"value": "This button does not name a proposal."}, "This button does not name a proposal.")
    if len(text) > 10 or int(text) > ID_MAX:
        raise NotFound("There is no such proposal.")
    mentorship = db.session.get(Mentorship, int(text))
    if mentorship is None or not mentorship.involves(person.id):
        raise NotFound("There is no such proposal.")
    return mentorship


def _answer(mentorship: Mentorship, act) -> Card | None:
    """Run the service; on a refusal roll back, and for a proposal decided meanwhile raise
    Stale with the card its messages show now."""
    try:
        act()
    except (services.NoFreeSlot, services.NotYours):  # nothing changed: the message stays as it is
        db.session.rollback()
        raise
    except services.MatchingError as exc:
        db.session.rollback()
        fresh = db.session.get(Mentorship, mentorship.id, populate_existing=True)
        raise Stale(str(exc), chat_cards.revise_proposal(fresh) if fresh else None) from None
    except LookupError:
        db.session.rollback()
        raise NotFound("There is no such proposal.") from None
    except ServiceError:
        db.session.rollback()
        raise
    return chat_cards.proposal_card(mentorship)


def accept(person, value: str, text: str | None = None) -> Done:
    """ "Accept": the mentor takes the new hire on, if they have a free slot."""
    mentorship = _proposal(person, value)
    card = _answer(mentorship, lambda: services.accept(mentorship.id, person.id))
    return Done(f"You are now {mentorship.new_hire.name}'s mentor. Thank you!", card)


def decline(person, value: str, text: str | None = None) -> Done:
    """ "Decline", with an optional reason for the admins: the next best mentor is asked."""
    mentorship = _proposal(person, value)
    note = (text or "").strip()
    if len(note) > services.END_REASON_LIMIT:
        message = f"Please keep the reason under {services.END_REASON_LIMIT} characters (this one has {len(note)})."
        raise InvalidInput({"note": message}, message)
    card = _answer(mentorship, lambda: services.decline(mentorship.id, person.id, note))
    return Done("Declined. We will ask the next best mentor.", card)


def register(app: Flask) -> None:
    """Give the chats the Accept and Decline buttons of a proposal."""
    register_action(app, "mentorship.accept", accept)
    register_action(app, "mentorship.decline", decline)
