"""The JSON shapes of stuck questions, their threads and the knowledge base in the API.

Input schemas check types and sizes; the services decide what is valid.
"""

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas import Id, PassesShown, StrictBoolean
from app.help.models import QuestionState, Urgency, Visibility
from app.help.thread import NOTE_MAX_CHARS, POST_MAX_CHARS
from app.people.schemas import PersonRefSchema
from app.request_keys import KEY_MAX

VISIBILITY = (
    "How the question appears in the team's knowledge base once resolved: with the "
    "asker's name, anonymously, or not at all."
)


class SkillRefSchema(ma.Schema):
    """A skill, named."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)


class PostSchema(ma.Schema):
    """An answer or a follow-up on a question's thread."""

    id = fields.Integer(required=True)
    author = fields.Nested(
        PersonRefSchema,
        required=True,
        allow_none=True,
        metadata={"description": "Null if the account was removed, or for an asker who published anonymously."},
    )
    body = fields.String(required=True, metadata={"description": "Markdown, as written."})
    via = fields.String(required=True, metadata={"enum": ["web", "email", "api", "chat"]})
    created_at = fields.DateTime(required=True)


class QuestionSchema(PassesShown, ma.Schema):
    """A stuck question, as the people who may see it see it."""

    id = fields.Integer(required=True)
    asker = fields.Nested(PersonRefSchema, required=True)
    team_id = fields.Integer(required=True, allow_none=True)
    goal = fields.String(required=True, metadata={"description": "What the asker is trying to do."})
    stuck = fields.String(required=True, metadata={"description": "Where they are stuck (Markdown)."})
    link = fields.String(required=True, metadata={"description": "The task or page; may be empty."})
    page_title = fields.String(required=True)
    urgency = fields.Enum(Urgency, by_value=fields.String, required=True)
    state = fields.Enum(
        QuestionState,
        by_value=fields.String,
        required=True,
        metadata={"description": "open (waiting for a reply) → answered (someone replied) → resolved."},
    )
    visibility = fields.Enum(Visibility, by_value=fields.String, required=True, metadata={"description": VISIBILITY})
    skills = fields.List(fields.Nested(SkillRefSchema), required=True)
    escalated = fields.Boolean(required=True, metadata={"description": "Whether it went to the team lead."})
    helpful = fields.Boolean(
        required=True,
        allow_none=True,
        metadata={"description": "The asker's rating of the answer; null until they rate it."},
    )
    helpful_note = fields.String(required=True)
    created_at = fields.DateTime(required=True, metadata={"description": "When it was asked."})
    first_routed_at = fields.DateTime(required=True, allow_none=True)
    first_reply_at = fields.DateTime(required=True, allow_none=True)
    resolved_at = fields.DateTime(required=True, allow_none=True)


class QuestionDetailSchema(QuestionSchema):
    """A stuck question with its thread, oldest post first."""

    posts = fields.List(fields.Nested(PostSchema), required=True)


class QuestionQuerySchema(ma.Schema):
    """Filters for the list of questions."""

    state = fields.Enum(
        QuestionState, by_value=fields.String, metadata={"description": "Only questions in this state."}
    )
    mine = fields.Boolean(metadata={"description": "Only the questions you asked."})


class AskSchema(ma.Schema):
    """A new stuck question. Only `goal` and `stuck` are required."""

    # Text sizes are checked by the service, whose message names the limit.
    goal = fields.String(required=True, metadata={"example": "Add a column to the invoices table"})
    stuck = fields.String(
        required=True,
        metadata={
            "description": "Where you are stuck (Markdown).",
            "example": "The migration fails with `relation does not exist`.",
        },
    )
    link = fields.String(
        validate=validate.Length(max=2000),
        metadata={
            "description": "The task or page you are on; http or https only.",
            "example": "https://wiki.example.com/billing",
        },
    )
    page_title = fields.String(validate=validate.Length(max=300))
    urgency = fields.Enum(
        Urgency, by_value=fields.String, metadata={"description": "can_wait (the default) or blocking."}
    )
    skills = fields.List(
        fields.String(validate=validate.Length(max=80)),
        validate=validate.Length(max=20),
        metadata={
            "description": "Skill names or aliases. Without it, skills are "
            "inferred from the text as /skills/suggest does.",
            "example": ["PostgreSQL"],
        },
    )
    visibility = fields.Enum(
        Visibility, by_value=fields.String, metadata={"description": VISIBILITY + " anonymous by default."}
    )
    request_key = fields.String(
        validate=validate.Length(max=64),
        metadata={"description": "Any key of yours for this question: sending the same key again asks once."},
    )
    ask_anyway = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Ask even though you asked nearly the same question, still open or in the "
            "last 24 hours; without it, such a question is a 409 naming the earlier one."
        },
    )


class PostInSchema(ma.Schema):
    """An answer or a follow-up."""

    body = fields.String(
        required=True,
        metadata={
            "description": f"Markdown, up to {POST_MAX_CHARS:,} characters.",
            "example": "Run `flask db upgrade` first.",
        },
    )
    request_key = fields.String(
        validate=validate.Length(max=KEY_MAX),
        metadata={
            "description": "Any key of yours for this post: sending the same body with the same key "
            "again posts once and answers with the first post."
        },
    )


class ResolveSchema(ma.Schema):
    """Marking a question resolved."""

    visibility = fields.Enum(
        Visibility,
        by_value=fields.String,
        metadata={
            "description": VISIBILITY + " Only the asker may send it; without it the choice made when asking stays."
        },
    )


class RatingSchema(ma.Schema):
    """Whether the answer helped."""

    helpful = StrictBoolean(required=True)
    note = fields.String(validate=validate.Length(max=NOTE_MAX_CHARS), metadata={"example": "The migration works now."})


class PassSchema(ma.Schema):
    """Passing a question on to the next mentor."""

    hint = fields.String(
        validate=validate.Length(max=300),
        metadata={
            "description": "Who might know, for the next one asked.",
            "example": "Ask Dana, she wrote the billing module.",
        },
    )


class KnowledgeQuerySchema(ma.Schema):
    """What to look for in the knowledge base."""

    q = fields.String(
        validate=validate.Length(max=500), metadata={"description": "Words to look for.", "example": "migration fails"}
    )
    skill = fields.List(
        Id(), metadata={"description": "Only questions about these skills (ids); repeat the parameter for more."}
    )
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))


class KnowledgeEntrySchema(PassesShown, ma.Schema):
    """A resolved question in the team's knowledge base, with its thread."""

    id = fields.Integer(required=True)
    goal = fields.String(required=True)
    stuck = fields.String(required=True)
    skills = fields.List(fields.Nested(SkillRefSchema), required=True)
    asker = fields.Nested(
        PersonRefSchema,
        required=True,
        allow_none=True,
        metadata={"description": "Null when the asker published it anonymously."},
    )
    posts = fields.List(
        fields.Nested(PostSchema),
        required=True,
        metadata={"description": "The thread; the asker's own posts carry no author unless they are named."},
    )
    helpful = fields.Boolean(required=True, allow_none=True)
    resolved_at = fields.DateTime(required=True, allow_none=True)
    solved_count = fields.Integer(
        required=True, metadata={"description": "How many people it solved the problem of without asking a mentor."}
    )


class SkillSuggestSchema(ma.Schema):
    """The text to suggest skills for, sent in the body: a draft never goes in an address."""

    text = fields.String(
        required=True, validate=validate.Length(max=20_000), metadata={"example": "psql says relation does not exist"}
    )
