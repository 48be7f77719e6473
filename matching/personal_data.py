"""Matching, as a section of a person's data: their mentorships on either side (with who
ended them and why), their answers to "is this a good fit?", the pairs they may never be
in, the cohort matches they ran, and whether they wait for a mentor.

A new hire's export leaves out who declined them, that mentor's note and the scores about
that mentor: they see only that a proposal was declined. Who chose a pair by hand, and the
rules they overrode and why, are only in the export of the admin who chose it. Erasing
deletes the rules about them (never pair them) and their place in the waiting list;
mentorships and answers stay, as the figures count them; with texts removed, what they
wrote when ending or declining a mentorship, or as their reason for overriding a rule, is
emptied.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.people.personal_data import register_personal_data, row_data, rows
from matching.models import CohortRun, DoNotPair, FitAnswer, Mentorship, MentorshipState, WaitingForMentor

COVERS = {
    "mentorships.new_hire_id",
    "mentorships.mentor_id",
    "mentorships.ended_by_id",
    "mentorships.chosen_by_id",
    "mentorship_fit_answers.user_id",
    "do_not_pair.new_hire_id",
    "do_not_pair.mentor_id",
    "cohort_runs.created_by_id",
    "waiting_for_mentor.new_hire_id",
}
DECLINER = {"mentor_id", "end_reason", "reasons", "score"}
# Who chose a pair by hand, the rules they overrode and why: the admins' notes, in the copy of
# the admin who chose it only.
CHOICE = {"chosen_by_id", "overridden_rules", "override_reason"}


def _mentorship(row: Mentorship, user_id: int) -> dict:
    declined_them = row.new_hire_id == user_id and row.state == MentorshipState.DECLINED
    omit = (DECLINER if declined_them else set()) | (set() if row.chosen_by_id == user_id else CHOICE)
    return row_data(row, omit=omit)


def _rule(row: DoNotPair, user_id: int) -> dict:
    other = "mentor_id" if row.new_hire_id == user_id else "new_hire_id"
    return row_data(row, omit={other})


def export_matching(user_id: int) -> dict[str, list[dict]]:
    ships = db.session.scalars(
        sa.select(Mentorship)
        .where(
            sa.or_(
                Mentorship.new_hire_id == user_id,
                Mentorship.mentor_id == user_id,
                Mentorship.ended_by_id == user_id,
                Mentorship.chosen_by_id == user_id,
            )
        )
        .order_by(Mentorship.id)
    )
    never = db.session.scalars(
        sa.select(DoNotPair)
        .where(sa.or_(DoNotPair.new_hire_id == user_id, DoNotPair.mentor_id == user_id))
        .order_by(DoNotPair.id)
    )
    return {
        "mentorships": [_mentorship(row, user_id) for row in ships],
        "mentorship_fit_answers": rows(FitAnswer, FitAnswer.user_id == user_id),
        "do_not_pair": [_rule(row, user_id) for row in never],
        "cohort_runs": rows(CohortRun, CohortRun.created_by_id == user_id, omit={"pairs", "unmatched"}),
        "waiting_for_mentor": rows(WaitingForMentor, WaitingForMentor.new_hire_id == user_id),
    }


def erase_matching(user_id: int, remove_texts: bool) -> None:
    db.session.execute(
        sa.delete(DoNotPair).where(sa.or_(DoNotPair.new_hire_id == user_id, DoNotPair.mentor_id == user_id))
    )
    db.session.execute(sa.delete(WaitingForMentor).where(WaitingForMentor.new_hire_id == user_id))
    if remove_texts:
        db.session.execute(
            sa.update(Mentorship)
            .where(
                sa.or_(
                    Mentorship.ended_by_id == user_id,
                    sa.and_(Mentorship.mentor_id == user_id, Mentorship.state == MentorshipState.DECLINED),
                )
            )
            .values(end_reason="")
        )
        db.session.execute(sa.update(Mentorship).where(Mentorship.chosen_by_id == user_id).values(override_reason=""))


def register(app) -> None:
    register_personal_data(app, "matching", covers=COVERS, export=export_matching, erase=erase_matching)
