"""What a mentor's chat messages about a proposal (the proposal and its reminder) show once
it was answered, ran out, or was withdrawn: never Accept and Decline buttons that no longer
do anything.

The services call `revise_proposal` wherever a proposal's state changes; the card is drawn
from the mentorship as it is now, so calling it twice shows the same thing.
"""

from __future__ import annotations

from app.notices.channels import revise
from app.notices.core import Card
from app.urls import external_url
from matching.models import Mentorship, MentorshipState

# The keys matching.notices sends a proposal and its reminder under (with the mentor's id).
KEYS = ("mentorship-proposal", "mentorship-reminder")


def proposal_card(mentorship: Mentorship) -> Card | None:
    """The mentor's proposal message as it stands; None while the proposal waits for them."""
    hire = mentorship.new_hire.name
    page = external_url("matching.mentoring")
    state = mentorship.state
    if state == MentorshipState.PROPOSED:
        return None
    if state == MentorshipState.ACTIVE:
        title, text = f"You are {hire}'s mentor", f"Thank you for saying yes. {hire} knows who their mentor is."
    elif state == MentorshipState.DECLINED:
        title, text = f"You declined to mentor {hire}", "Thank you for answering. We are asking the next best mentor."
    elif state == MentorshipState.EXPIRED:
        title, text = (
            "This proposal ran out",
            f"It was not answered in time, so we are asking another mentor for {hire}.",
        )
    elif state == MentorshipState.WITHDRAWN:
        title, text = "No need to answer", f"The proposal to mentor {hire} was withdrawn. There is nothing to do."
    elif state == MentorshipState.COMPLETED:
        title, text = f"Your mentorship with {hire} is complete", "It ran its full length. Thank you!"
    else:
        title, text = f"Your mentorship with {hire} has ended", "There is nothing more to answer here."
    return Card(title=title, text=text, link=page, link_label="Open your mentoring page")


def revise_proposal(mentorship: Mentorship) -> Card | None:
    """Make the mentor's chat messages about this proposal say where it stands now; return
    that card (None: the proposal still waits for an answer)."""
    card = proposal_card(mentorship)
    if card is not None:
        for key in KEYS:
            revise(f"{key}:{mentorship.id}:{mentorship.mentor_id}", card)
    return card
