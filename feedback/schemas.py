"""The JSON shapes of feedback in the API: task feedback, check-ins and question clarity.

Input schemas check types; the services check values and sizes, and their messages name
the scale or the limit.
"""

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas import Id, StrictBoolean
from app.help.schemas import SkillRefSchema
from app.people.schemas import PersonRefSchema
from feedback.checkins import CHANGE_MAX
from feedback.models import HELPED, Side, TimeTaken
from feedback.tasks import HELPED_NOTE_MAX, MISSING_MAX, SKILLS_MAX, TITLE_MAX

SCALE = "From 1 to 5."
TIME_TAKEN = "How long it took against what was expected: less, as_expected or more."
SIGNED = (
    "Whether your name shows with what you wrote (false by default): your lead, and the team "
    "where you shared it, read it without your name otherwise."
)
SHARED = (
    "Whether the team may read what you wrote (what helped, what was missing, the task's title) "
    "on the agenda of its weekly session, once the session starts; false by default. The team "
    "never sees the rating, nor the title of a task about a question you kept out of the "
    "knowledge base."
)
HELPED_TEXT = "What helped: " + ", ".join(f"`{code}` ({label.lower()})" for code, label in HELPED.items()) + "."


# Documented, so that fuzzing sends numbers past the scale too; the services say what is wrong.
ONE_TO_FIVE = {"minimum": 1, "maximum": 5}


class TaskFeedbackInSchema(ma.Schema):
    """How a finished task went. `title`, `rating` and `time_taken` are required."""

    title = fields.String(
        required=True,
        metadata={"description": f"The task, in up to {TITLE_MAX} characters.", "example": "Add VAT to invoices"},
    )
    link = fields.String(
        metadata={
            "description": "The task's page; http or https only.",
            "example": "https://tracker.example.com/PAY-42",
        }
    )
    skills = fields.List(
        fields.String(validate=validate.Length(max=80)),
        validate=validate.Length(max=50),
        metadata={"description": f"Skill names or aliases, at most {SKILLS_MAX}.", "example": ["PostgreSQL"]},
    )
    rating = fields.Integer(
        required=True, strict=True, metadata={"description": "How it went. " + SCALE, "example": 4, **ONE_TO_FIVE}
    )
    time_taken = fields.String(
        required=True, metadata={"description": TIME_TAKEN, "enum": [t.value for t in TimeTaken], "example": "more"}
    )
    helped = fields.List(
        fields.String(),
        validate=validate.Length(max=len(HELPED)),
        metadata={"description": HELPED_TEXT, "items": {"enum": list(HELPED)}, "example": ["mentor", "doc"]},
    )
    helped_note = fields.String(
        metadata={"description": f"Which one, or what else; up to {HELPED_NOTE_MAX} characters."}
    )
    missing = fields.String(metadata={"description": f"What was missing; up to {MISSING_MAX:,} characters."})
    signed = StrictBoolean(metadata={"description": SIGNED})
    shared = StrictBoolean(metadata={"description": SHARED})
    question_id = Id(strict=True, metadata={"description": "One of your questions the task was about."})
    request_key = fields.String(
        validate=validate.Length(max=64),
        metadata={"description": "Any key of yours for this feedback: sending the same key again saves once."},
    )


class TaskFeedbackSchema(ma.Schema):
    """Task feedback, as its author sees it."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    link = fields.String(required=True)
    skills = fields.List(fields.Nested(SkillRefSchema), required=True)
    rating = fields.Integer(required=True)
    time_taken = fields.Enum(TimeTaken, by_value=fields.String, required=True, metadata={"description": TIME_TAKEN})
    helped = fields.List(fields.String(), required=True, metadata={"description": HELPED_TEXT})
    helped_note = fields.String(required=True)
    missing = fields.String(required=True)
    signed = fields.Boolean(required=True, metadata={"description": SIGNED})
    shared = fields.Boolean(required=True, metadata={"description": SHARED})
    question_id = fields.Integer(required=True, allow_none=True)
    via = fields.String(required=True, metadata={"enum": ["web", "api", "email"]})
    created_at = fields.DateTime(required=True)


class CheckinSchema(ma.Schema):
    """One of your mentorship check-ins: sent every two weeks, answered or not yet."""

    id = fields.Integer(required=True)
    mentorship_id = fields.Integer(required=True)
    round = fields.Integer(required=True, metadata={"description": "1 for the first check-in, then 2, 3 ..."})
    side = fields.Enum(Side, by_value=fields.String, required=True, metadata={"description": "Your side."})
    other = fields.Nested(PersonRefSchema, required=True, metadata={"description": "The other side of the mentorship."})
    sent_at = fields.DateTime(required=True)
    score = fields.Integer(
        required=True, allow_none=True, metadata={"description": '"Is this useful?" ' + SCALE + " Null until answered."}
    )
    change = fields.String(required=True, metadata={"description": '"Anything to change?"'})
    answered_at = fields.DateTime(required=True, allow_none=True)


class CheckinAnswerSchema(ma.Schema):
    """Your answer to a check-in; answering again replaces it."""

    score = fields.Integer(
        required=True, strict=True, metadata={"description": '"Is this useful?" ' + SCALE, "example": 4, **ONE_TO_FIVE}
    )
    change = fields.String(
        metadata={
            "description": f'"Anything to change?", up to {CHANGE_MAX:,} characters.',
            "example": "Could we meet on Tuesdays instead?",
        }
    )


class ClarityInSchema(ma.Schema):
    """How clearly a question you answered was asked."""

    score = fields.Integer(required=True, strict=True, metadata={"description": SCALE, "example": 4, **ONE_TO_FIVE})


class ClarityRatingSchema(ma.Schema):
    """Your rating of a question's clarity."""

    question_id = fields.Integer(required=True)
    score = fields.Integer(required=True)
    updated_at = fields.DateTime(required=True)


class MyClaritySchema(ma.Schema):
    """How clearly you ask, over the mentors' ratings of your questions, with a tip.

    Shown only over at least `min_responses` ratings, and changed only once `min_responses`
    new ratings have come since it last changed, so no single rating can be read off it.
    """

    shown = fields.Boolean(required=True)
    min_responses = fields.Integer(required=True)
    responses = fields.Integer(required=True, allow_none=True)
    mean = fields.Float(required=True, allow_none=True)
    tip = fields.String(required=True, allow_none=True)
