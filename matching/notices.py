"""The emails of a mentorship's life, each with its one-click links.

Every mail has a key, so a job that runs twice sends it once; mails about one mentorship
thread together in the reader's mail client.
"""

from __future__ import annotations

from app.mail.outgoing.unsubscribe import opted_out
from app.notices.channels import tell
from app.notices.core import Button, Card, Notice
from app.tokens import make_token
from app.urls import external_url
from matching import REMINDERS
from matching.models import Mentorship
from matching.scoring import named_reasons

# How long a one-click link in a mail works.
LINK_DAYS = {"accept": 14, "decline": 14, "fit": 30}


def reasons_for(mentorship: Mentorship, viewer_id: int | None) -> list[dict]:
    """The reasons a pair fits, worded for the person reading them: they name both people;
    reasons kept from before in the new hire's "you" wording name the new hire for anyone else."""
    if viewer_id == mentorship.new_hire_id:
        return list(mentorship.reasons)
    return named_reasons(list(mentorship.reasons), mentorship.new_hire.name)


def action_link(mentorship: Mentorship, action: str, user_id: int) -> str:
    """A signed, single-use link that lets one person act on one mentorship from a mail."""
    token = make_token(f"mentorship-{action}", mentorship.id, user_id=user_id, single_use=True)
    return external_url("matching.email_action", action=action, token=token)


def _send(
    mentorship: Mentorship,
    key: str,
    kind: str,
    to,
    subject: str,
    template: str,
    unsubscribe: str | None = None,
    buttons: tuple[Button, ...] = (),
    **context,
):
    """Tell one side of a mentorship something, by mail and in the chat they chose."""
    context = {
        "mentorship": mentorship,
        "page": external_url("matching.mentoring"),
        "reasons": reasons_for(mentorship, to.id),
        **context,
    }
    reasons = context["reasons"] if template in ("proposal", "accepted") else []
    card = Card(
        title=subject,
        facts=tuple(("Why", r["text"]) for r in reasons),
        buttons=buttons,
        link=context["page"],
    )
    mail = dict(
        kind=kind,
        subject=subject,
        template=f"matching/email/{template}",
        thread=f"mentorship-{mentorship.id}",
        about=("mentorship", mentorship.id),
        unsubscribe=unsubscribe,
        context=context,
    )
    thread = f"mentorship-{mentorship.id}"
    tell(to, Notice(f"{key}:{mentorship.id}:{to.id}", "mentorship", card, mail, thread, ("mentorship", mentorship.id)))


def _answer_buttons(mentorship: Mentorship) -> tuple[Button, ...]:
    """Accept and decline, in a chat, as the mail's one-click links do."""
    value, mentor_id = str(mentorship.id), mentorship.mentor_id
    return (
        Button("Accept", "mentorship.accept", value, action_link(mentorship, "accept", mentor_id), style="primary"),
        Button(
            "Decline",
            "mentorship.decline",
            value,
            action_link(mentorship, "decline", mentor_id),
            asks="Why not?",
            optional=True,
        ),
    )


def proposal(mentorship: Mentorship) -> None:
    """Ask the mentor to take on the new hire, with why they fit and accept/decline links."""
    mentor = mentorship.mentor
    _send(
        mentorship,
        "mentorship-proposal",
        "mentorship_proposal",
        mentor,
        f"Would you mentor {mentorship.new_hire.name}?",
        "proposal",
        buttons=_answer_buttons(mentorship),
        accept=action_link(mentorship, "accept", mentor.id),
        decline=action_link(mentorship, "decline", mentor.id),
    )


def reminder(mentorship: Mentorship) -> None:
    """Remind the mentor once that a proposal waits for an answer, unless they unsubscribed."""
    mentor = mentorship.mentor
    if opted_out(mentor.id, REMINDERS):
        return
    _send(
        mentorship,
        "mentorship-reminder",
        "mentorship_reminder",
        mentor,
        f"Reminder: would you mentor {mentorship.new_hire.name}?",
        "proposal",
        buttons=_answer_buttons(mentorship),
        accept=action_link(mentorship, "accept", mentor.id),
        decline=action_link(mentorship, "decline", mentor.id),
        reminder=True,
        unsubscribe=REMINDERS,
    )


def accepted(mentorship: Mentorship) -> None:
    """Tell the new hire who their mentor is, and why."""
    _send(
        mentorship,
        "mentorship-accepted",
        "mentorship_accepted",
        mentorship.new_hire,
        f"{mentorship.mentor.name} is your mentor",
        "accepted",
        page=external_url("matching.my_mentor"),
    )


def ended(mentorship: Mentorship) -> None:
    """Tell the other side that the mentorship has ended, and why."""
    other = mentorship.mentor if mentorship.ended_by_id == mentorship.new_hire_id else mentorship.new_hire
    _send(mentorship, "mentorship-ended", "mentorship_ended", other, "Your mentorship has ended", "ended")


def withdrawn(mentorship: Mentorship) -> None:
    """Tell the mentor that a proposal waiting for their answer was withdrawn by an admin."""
    _send(
        mentorship,
        "mentorship-withdrawn",
        "mentorship_withdrawn",
        mentorship.mentor,
        f"No need to answer: would you mentor {mentorship.new_hire.name}?",
        "withdrawn",
    )


def reassigned(mentorship: Mentorship) -> None:
    """Tell both sides that an admin ended their mentorship to give the new hire another
    mentor (never who: the new hire learns that once the new mentor accepts)."""
    for person in (mentorship.mentor, mentorship.new_hire):
        _send(
            mentorship,
            "mentorship-reassigned",
            "mentorship_ended",
            person,
            "Your mentorship has ended",
            "ended",
            new_search=person.id == mentorship.new_hire_id,
            page=external_url("matching.my_mentor" if person.id == mentorship.new_hire_id else "matching.mentoring"),
        )


def left(mentorship: Mentorship, leaver, new_search: bool) -> None:
    """Tell the other side that the mentorship ended because the leaver left, and a new hire
    who lost their mentor that a new one is being looked for."""
    other = mentorship.new_hire if leaver.id == mentorship.mentor_id else mentorship.mentor
    _send(
        mentorship,
        "mentorship-left",
        "mentorship_ended",
        other,
        f"Your mentorship has ended: {leaver.name} has left",
        "left",
        leaver=leaver,
        new_search=new_search,
        page=external_url("matching.my_mentor") if new_search else external_url("matching.mentoring"),
    )


def fit_check(mentorship: Mentorship) -> None:
    """Ask both sides whether the mentorship is a good fit, with yes/no links."""
    for person in (mentorship.new_hire, mentorship.mentor):
        _send(
            mentorship,
            "mentorship-fit-check",
            "mentorship_fit_check",
            person,
            "Is your mentorship a good fit?",
            "fit_check",
            person=person,
            yes=action_link(mentorship, "fit-yes", person.id),
            no=action_link(mentorship, "fit-no", person.id),
        )
