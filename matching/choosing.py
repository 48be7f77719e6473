"""Choosing a mentor by hand: an admin sees every mentor ranked for a new hire and proposes
one, overriding with a stated reason a rule that excludes them.

Services take ids and plain values and only flush; the request commits (app/unit_of_work.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.errors import InvalidInput, NotFound
from app.extensions import db, utcnow
from app.people.models import Role, User, UserRole
from app.plurals import joined
from app.webhooks import events as webhook_events
from matching import chat_cards, notices
from matching.candidates import UNBREAKABLE, Candidate, candidate, ranked_candidates
from matching.directory import blocked_pairs, current_settings, mentors, new_hires, rules_of, weights_of
from matching.models import LIVE_STATES, Mentorship, MentorshipState
from matching.scoring import Mentor, Rules, Table, Weights, build_table
from matching.services import END_REASON_LIMIT, MatchingError, create_proposal

REASSIGNED = "Reassigned by an admin."
WITHDRAWN = "Withdrawn by an admin, who chose another mentor."


class NoSuchNewHire(NotFound):
    """There is no active new hire with this id."""


class CannotOverride(MatchingError):
    """A rule no reason can override excludes the mentor (409)."""


class ChangedMeanwhile(MatchingError):
    """A rule excludes the mentor now that did not when the page was shown (409)."""


class LiveMentorship(MatchingError):
    """The new hire has a proposal or a mentorship, and the admin has not said to replace it."""


@dataclass(frozen=True)
class Choice:
    """What an admin sees to choose a mentor for a new hire."""

    new_hire: User
    wants: dict[str, int]  # the skills they want to learn, and their level now
    candidates: list[Candidate]
    live: Mentorship | None  # their proposal or mentorship now, if any


def _new_hire(new_hire_id: int, lock: bool = False) -> User:
    query = (
        sa.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.id == new_hire_id, UserRole.role == Role.NEW_HIRE, User.active.is_(True))
    )
    person = db.session.scalar(query.with_for_update(of=User) if lock else query)
    if person is None:
        raise NoSuchNewHire("There is no such new hire.")
    return person


def live_mentorship(new_hire_id: int, lock: bool = False) -> Mentorship | None:
    """The new hire's proposal or active mentorship, if they have one."""
    query = sa.select(Mentorship).where(Mentorship.new_hire_id == new_hire_id, Mentorship.state.in_(LIVE_STATES))
    return db.session.scalar(query.with_for_update().execution_options(populate_existing=True) if lock else query)


def _scoring(new_hire_id: int, pool: list[Mentor]) -> tuple[Table, Weights, Rules]:
    settings = current_settings()
    weights, rules = weights_of(settings), rules_of(settings, utcnow().date())
    table = build_table(new_hires([new_hire_id]), pool, weights, rules, blocked_pairs([new_hire_id]))
    return table, weights, rules


def choice(new_hire_id: int) -> Choice:
    """Every active mentor for the new hire, ranked as automatic matching ranks them, with the
    rules that exclude some; and the new hire's live proposal or mentorship."""
    person = _new_hire(new_hire_id)
    table, weights, rules = _scoring(new_hire_id, mentors())
    return Choice(
        person, dict(table.hires[0].wants), ranked_candidates(table, 0, weights, rules), live_mentorship(new_hire_id)
    )


def what_replacing_does(live: Mentorship) -> str:
    """Say in words what choosing another mentor does to the new hire's live mentorship."""
    hire, mentor = live.new_hire.name, live.mentor.name
    if live.state == MentorshipState.PROPOSED:
        return f"{hire}'s proposal to {mentor}, still unanswered, will be withdrawn, and {mentor} told so."
    return f"{hire}'s mentorship with {mentor} will end with the reason “{REASSIGNED}”, and both of them told so."


def _words(excluded) -> str:
    return joined([e.text for e in excluded], last="and")


def choose_mentor(
    new_hire_id: int,
    mentor_id: int,
    admin_id: int,
    reason: str = "",
    seen_rules: frozenset[str] | None = None,
    replace: bool = False,
) -> Mentorship:
    """Propose the mentor an admin chose to the new hire, as matching proposes (the mentor is
    asked by email and accepts or declines).

    A rule that excludes the pair is overridden only with a reason, kept on the mentorship with
    the rules and who chose; a rule no reason overrides is refused. `seen_rules`, the rules the
    admin saw excluding the mentor, refuses a choice a new rule meanwhile excludes (the mentor
    filled up, say). A proposal or mentorship the new hire has is withdrawn or ended only when
    `replace` says so.
    """
    hire = _new_hire(new_hire_id, lock=True)  # two admins choosing at once: one after the other
    person = db.session.get(User, mentor_id)
    if person is None:
        raise NotFound("There is no such mentor.")
    if not person.active:
        raise CannotOverride(f"{person.name} cannot mentor {hire.name}: {UNBREAKABLE['inactive']}")
    if not person.has_role(Role.MENTOR):
        raise CannotOverride(f"{person.name} cannot mentor {hire.name}: {UNBREAKABLE['not-mentor']}")
    table, weights, rules = _scoring(new_hire_id, [m for m in mentors() if m.id == mentor_id])
    chosen = candidate(table, 0, 0, weights, rules)
    unbreakable = [e for e in chosen.excluded if not e.breakable]
    if unbreakable:
        rule = unbreakable[0].rule
        raise CannotOverride(f"{person.name} cannot mentor {hire.name}: {UNBREAKABLE[rule]} No reason overrides this.")
    new = [e for e in chosen.excluded if seen_rules is not None and e.rule not in seen_rules]
    if new:
        raise ChangedMeanwhile(
            f"Since the list was shown, {person.name} {_words(new)}. The list is up to date now: "
            "choose again, or give a reason to choose them anyway."
        )
    reason = (reason or "").strip()
    if chosen.excluded and not reason:
        message = f"{person.name} {_words(chosen.excluded)}: say why you choose them anyway."
        raise InvalidInput({"reason": message}, message)
    if len(reason) > END_REASON_LIMIT:
        raise InvalidInput({"reason": f"Please keep the reason under {END_REASON_LIMIT} characters."})

    live = live_mentorship(new_hire_id, lock=True)
    if live is not None:
        if live.mentor_id == mentor_id:
            state = "asked to mentor" if live.state == MentorshipState.PROPOSED else "the mentor of"
            raise MatchingError(f"{person.name} is already {state} {hire.name}.")
        if not replace:
            raise LiveMentorship(what_replacing_does(live))
        _let_go(live, admin_id)

    settings = current_settings()
    mentorship = create_proposal(
        new_hire_id, mentor_id, chosen.fit.score, chosen.fit.reason_rows(), "admin", settings.proposal_days
    )
    mentorship.chosen_by_id = admin_id
    if chosen.excluded:
        mentorship.overridden_rules = [e.row() for e in chosen.excluded]
        mentorship.override_reason = reason
    db.session.flush()
    return mentorship


def _let_go(live: Mentorship, admin_id: int) -> None:
    """Withdraw the new hire's proposal, or end their mentorship, to make way for another."""
    now = utcnow()
    if live.state == MentorshipState.PROPOSED:
        live.state, live.decided_at, live.end_reason = MentorshipState.WITHDRAWN, now, WITHDRAWN
        notices.withdrawn(live)
    else:
        live.state, live.ended_at, live.ended_by_id = MentorshipState.ENDED, now, admin_id
        live.end_reason, live.ended_badly = REASSIGNED, False
        notices.reassigned(live)
    chat_cards.revise_proposal(live)
    webhook_events.mentorship("mentorship.ended", live)  # its state says withdrawn or ended
    db.session.flush()  # one live mentorship per new hire: this one stops being live first
