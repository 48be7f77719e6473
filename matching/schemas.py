"""The JSON shapes of mentorships in the API.

Input schemas check types and sizes; the services decide what may happen.
"""

import marshmallow as ma
from marshmallow import fields, validate

from app.api import api_user
from app.api.schemas import StrictBoolean
from app.people.schemas import PersonRefSchema
from matching.models import Mentorship, MentorshipState
from matching.notices import reasons_for
from matching.scoring import PARTS
from matching.services import END_REASON_LIMIT


def not_blank(value: str) -> None:
    """Refuse text that is only spaces."""
    if not value.strip():
        raise ma.ValidationError("Please write a few words.")


class ReasonSchema(ma.Schema):
    """One part of a pair's score, and why it scored that."""

    part = fields.String(required=True, validate=validate.OneOf(PARTS), metadata={"example": "skills"})
    points = fields.Float(required=True, metadata={"description": "This part's share of the score.", "example": 21.7})
    text = fields.String(required=True, metadata={"example": "teaches SQL 4/5, you are 1/5"})


class ReasonsForCaller(fields.List):
    """The reasons of a pair, worded for the API caller (a mentor reads the new hire's name,
    not "you")."""

    def get_value(self, obj, attr, accessor=None, default=ma.missing):
        """Read the mentorship's reasons as the caller should see them."""
        return reasons_for(obj, api_user().id)


class MentorshipSchema(ma.Schema):
    """A mentorship (or a proposal of one) as its mentor and admins see it, and its new hire
    once it started."""

    id = fields.Integer(required=True)
    state = fields.Enum(
        MentorshipState,
        by_value=fields.String,
        required=True,
        metadata={
            "description": "proposed → active (accepted) or declined / expired / withdrawn; "
            "active → ended (by either side) or completed (after the programme)."
        },
    )
    source = fields.String(
        required=True,
        metadata={
            "enum": ["join", "cohort", "rematch", "admin"],
            "description": "What made the proposal: joining, a cohort match, a re-match, or an admin.",
        },
    )
    new_hire = fields.Nested(PersonRefSchema, required=True)
    mentor = fields.Nested(PersonRefSchema, required=True)
    score = fields.Float(required=True, metadata={"description": "How well the pair fits, 0 to 100.", "example": 71.4})
    reasons = ReasonsForCaller(
        fields.Nested(ReasonSchema),
        required=True,
        metadata={"description": "The parts of the score, each with its reason."},
    )
    proposed_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(
        required=True, metadata={"description": "When an unanswered proposal moves on to the next mentor."}
    )
    decided_at = fields.DateTime(
        required=True, allow_none=True, metadata={"description": "When the proposal was accepted, declined or expired."}
    )
    started_at = fields.DateTime(required=True, allow_none=True)
    ends_at = fields.DateTime(
        required=True, allow_none=True, metadata={"description": "When an active mentorship completes."}
    )
    ended_at = fields.DateTime(required=True, allow_none=True)
    fit_check_due_at = fields.DateTime(
        required=True, allow_none=True, metadata={"description": 'When both sides are asked "is this a good fit?".'}
    )
    ended_by = fields.Nested(PersonRefSchema, required=True, allow_none=True)
    end_reason = fields.Method(
        "shared_end_reason",
        required=True,
        metadata={
            "type": "string",
            "description": "Why an ended mentorship ended, as the one who ended it wrote; empty "
            "otherwise (a decline's note is for the admins and is not shown here).",
        },
    )
    worked_out = fields.Method(
        "ended_well",
        required=True,
        metadata={
            "type": "boolean",
            "nullable": True,
            "description": "Whether an ended mentorship worked out; null unless it has ended.",
        },
    )
    your_fit_answer = fields.Method(
        "callers_fit_answer",
        required=True,
        metadata={
            "type": "boolean",
            "nullable": True,
            "description": 'Your answer to "is this a good fit?"; null if you have not answered.',
        },
    )

    def shared_end_reason(self, mentorship: Mentorship) -> str:
        """Show the reason of an ending, never the note of a decline."""
        return mentorship.end_reason if mentorship.state == MentorshipState.ENDED else ""

    def ended_well(self, mentorship: Mentorship) -> bool | None:
        """Say whether an ended mentorship worked out."""
        return not mentorship.ended_badly if mentorship.state == MentorshipState.ENDED else None

    def callers_fit_answer(self, mentorship: Mentorship) -> bool | None:
        """Show the API caller's own fit answer, never the other side's."""
        caller = api_user().id
        return next((a.good_fit for a in mentorship.fit_answers if a.user_id == caller), None)


class MentorshipQuerySchema(ma.Schema):
    """Filters for the list of mentorships."""

    state = fields.Enum(
        MentorshipState, by_value=fields.String, metadata={"description": "Only mentorships in this state."}
    )


class DeclineSchema(ma.Schema):
    """A mentor's answer "no" to a proposal."""

    note = fields.String(
        validate=validate.Length(max=END_REASON_LIMIT),
        metadata={
            "description": "Anything the admins should know; the new hire does not see it.",
            "example": "I am on a project crunch until March.",
        },
    )


class EndSchema(ma.Schema):
    """Ending an active mentorship."""

    reason = fields.String(
        required=True,
        validate=[validate.Length(max=END_REASON_LIMIT), not_blank],
        metadata={
            "description": "Why it ends, in a few words; the other side reads it.",
            "example": "We covered everything on the plan.",
        },
    )
    worked_out = StrictBoolean(
        load_default=True,
        metadata={"description": "Whether it worked out; false keeps the pair from being proposed again."},
    )


class FitSchema(ma.Schema):
    """An answer to "is this a good fit?"."""

    good_fit = StrictBoolean(required=True)


class WaitingSchema(ma.Schema):
    """Why nobody could be proposed as a new hire's mentor yet."""

    reason = fields.String(required=True, metadata={"example": "no mentor teaches Rust"})
    checked_at = fields.DateTime(required=True)


class ProposalOnItsWaySchema(ma.Schema):
    """A mentor has been asked and has not answered yet; who, the new hire learns once they accept."""

    answer_by = fields.DateTime(
        required=True,
        metadata={
            "description": "When the mentor answers at the latest; if they cannot, the next one who fits is asked."
        },
    )


class MyMentorSchema(ma.Schema):
    """The caller's mentor, or that a proposal is on its way, or why they are still waiting."""

    mentorship = fields.Nested(
        MentorshipSchema,
        required=True,
        allow_none=True,
        metadata={"description": "The active mentorship; null if there is none."},
    )
    proposal = fields.Nested(
        ProposalOnItsWaySchema,
        required=True,
        allow_none=True,
        metadata={"description": "A proposal on its way to a mentor; null unless one is."},
    )
    waiting = fields.Nested(
        WaitingSchema,
        required=True,
        allow_none=True,
        metadata={"description": "Why no mentor could be proposed yet; null unless waiting."},
    )
