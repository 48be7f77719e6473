"""JSON API for stuck questions: ask, read the thread, answer, resolve, rate, pass, search.

A question the caller may not see answers 404, whether it exists or not; one they may see
but not act on (a mentor rating the answer, someone else passing) answers 403.
"""

import sqlalchemy as sa
from flask import Response, abort, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import orm

from app.api import BODY_ERRORS, COMMON_ERRORS, MAX_PAGE, api_user, error_docs, refusals_answered
from app.api.schemas import Shown
from app.extensions import db
from app.help import routing, search, shown, thread
from app.help.ask import AskInput, ask_question, suggested_skills
from app.help.duplicates import AskedBefore
from app.help.models import Attempt, AttemptState
from app.help.schemas import (
    AskSchema,
    KnowledgeEntrySchema,
    KnowledgeQuerySchema,
    PassSchema,
    PostInSchema,
    PostSchema,
    QuestionDetailSchema,
    QuestionQuerySchema,
    QuestionSchema,
    RatingSchema,
    ResolveSchema,
    SkillSuggestSchema,
)
from app.people.models import Skill
from app.people.schemas import SkillSchema
from app.urls import external_url

blp = Blueprint("help_api", __name__, description="Stuck questions, their threads and the knowledge base")

ERRORS = {
    **COMMON_ERRORS,
    403: "You can see this question but not do this; `message` says why (only the asker "
    "rates the answer or chooses how it is published, only the mentor asked now passes).",
    404: "There is no question with this id that you can see.",
    409: "This cannot happen now (for example there is no answer to rate yet, or the "
    "question moved on before your pass); `message` says why. Nothing changed. Asking "
    "nearly the same question as one of yours still open or from the last 24 hours is a "
    "409 with the code `asked_before` and the earlier `question`; send `ask_anyway` to ask.",
    422: "Some fields are not valid; `fields` says which and why, naming any limit. Nothing was saved.",
    429: "You asked many questions in a short time (on the page, in the help panel and here "
    "together); this one was not saved. `Retry-After` says when to ask again.",
}


def errors(*statuses: int):
    """Document the JSON error answers of an operation: 401, the given ones, and any other."""
    return error_docs(blp, ERRORS, statuses)


def acting():
    """Turn a service's refusal into an error answer, with nothing changed."""
    # thread.NotAllowed is a PermissionError
    return refusals_answered(
        not_found=thread.QuestionNotFound,
        forbidden=(PermissionError, routing.NotAsked),
        conflict=(thread.NotYet, routing.RoutingError),
    )


def shown_question(question_id: int) -> Shown:
    """Return the question as the API shows it, read afresh, if the caller may see it; 404
    otherwise."""
    question = shown.shown_question(question_id, api_user())
    if question is None:
        abort(404)
    return Shown(question)


@blp.route("/questions")
class Questions(MethodView):
    @blp.arguments(QuestionQuerySchema(), location="query")
    @blp.response(200, QuestionSchema(many=True))
    @blp.paginate()
    @errors(422)
    def get(self, filters, pagination_parameters):
        """List the questions you may see, newest first

        Yours, those you were asked to answer, your team's if you lead it, and every one for
        admins. The `X-Pagination` header says how many there are.
        """
        page = min(pagination_parameters.page, MAX_PAGE)
        questions, total = shown.question_page(
            api_user(), page, pagination_parameters.page_size, filters.get("state"), bool(filters.get("mine"))
        )
        pagination_parameters.item_count = total
        return Shown(questions if pagination_parameters.page <= MAX_PAGE else [])

    @blp.arguments(AskSchema())
    @blp.response(201, QuestionDetailSchema)
    @errors(403, 409, 429, *BODY_ERRORS)
    def post(self, fields):
        """Ask a stuck question

        The question is saved, then routed to a mentor. Sending the same `request_key`
        again asks once and answers with the first question. Without `skills`, they are
        inferred from the text. Nearly the same question as one of yours that is still open
        or from the last 24 hours is a 409 naming it, unless you send `ask_anyway`.
        """
        if "skills" in fields:
            fields["skills"] = tuple(fields["skills"])
        for name in ("urgency", "visibility"):
            if name in fields:
                fields[name] = fields[name].value
        try:
            with acting():
                question = ask_question(api_user().id, AskInput(**fields))
        except AskedBefore as exc:
            abort(asked_before_answer(exc))
        return shown_question(sa.inspect(question).identity[0])  # its id, without loading it again


def asked_before_answer(exc) -> Response:
    """The 409 naming the asker's earlier question, with its links."""
    earlier = exc.question
    body = {
        "error": {
            "code": "asked_before",
            "message": str(exc),
            "fields": {},
            "question": {
                "id": earlier.id,
                "url": external_url("help.thread", question_id=earlier.id),
                "api_url": external_url("help_api.QuestionById", question_id=earlier.id),
                "asked_at": earlier.created_at.isoformat(),
            },
        }
    }
    response = jsonify(body)
    response.status_code = 409
    return response


@blp.route("/questions/<int:question_id>")
class QuestionById(MethodView):
    @blp.response(200, QuestionDetailSchema)
    @errors(404)
    def get(self, question_id):
        """Show a question and its thread"""
        return shown_question(question_id)


@blp.route("/questions/<int:question_id>/posts")
class Posts(MethodView):
    @blp.arguments(PostInSchema())
    @blp.response(201, PostSchema)
    @errors(403, 404, *BODY_ERRORS)
    def post(self, fields, question_id):
        """Answer, or follow up on, a question

        Anyone who may see the question may post. A reply by anyone but the asker is an
        answer: the question counts as answered and stops moving between mentors. Sending
        the same body with the same `request_key` again posts once and answers with the
        first post.
        """
        with acting():
            return thread.post_answer(
                question_id, api_user().id, fields["body"], via="api", request_key=fields.get("request_key")
            )


@blp.route("/questions/<int:question_id>/resolve")
class Resolve(MethodView):
    @blp.arguments(ResolveSchema, required=False)
    @blp.response(200, QuestionDetailSchema)
    @errors(403, 404, *BODY_ERRORS)
    def post(self, fields, question_id):
        """Mark a question resolved, as its asker or a mentor who answered

        Only the asker may send `visibility`. The body is optional.
        """
        visibility = fields.get("visibility")
        with acting():
            thread.resolve(question_id, api_user().id, visibility.value if visibility else None)
        return shown_question(question_id)


@blp.route("/questions/<int:question_id>/rating")
class Rating(MethodView):
    @blp.arguments(RatingSchema)
    @blp.response(200, QuestionDetailSchema)
    @errors(403, 404, 409, *BODY_ERRORS)
    def post(self, fields, question_id):
        """Say whether the answer helped, as the asker

        A second rating replaces the first.
        """
        with acting():
            thread.rate_answer(question_id, api_user().id, fields["helpful"], fields.get("note", ""))
        return shown_question(question_id)


@blp.route("/questions/<int:question_id>/pass")
class Pass(MethodView):
    @blp.arguments(PassSchema, required=False)
    @blp.response(200, QuestionDetailSchema)
    @errors(403, 404, 409, *BODY_ERRORS)
    def post(self, fields, question_id):
        """Pass a question you were asked to answer on to the next mentor

        Only the mentor asked now may pass; `hint` (who might know) goes to the next one
        asked. The body is optional.
        """
        caller = api_user()
        shown_question(question_id)
        attempt_id = db.session.scalar(
            sa.select(Attempt.id).where(
                Attempt.question_id == question_id,
                Attempt.mentor_id == caller.id,
                Attempt.state == AttemptState.WAITING,
            )
        )
        if attempt_id is None:
            abort(403, "Only the mentor asked to answer this question now can pass it on.")
        with acting():
            routing.pass_question(attempt_id, caller.id, fields.get("hint", ""))
        return shown_question(question_id)


@blp.route("/knowledge")
class Knowledge(MethodView):
    @blp.arguments(KnowledgeQuerySchema(), location="query")
    @blp.response(200, KnowledgeEntrySchema(many=True))
    @errors(422)
    def get(self, query):
        """Search your team's knowledge base, most relevant first

        Resolved questions the askers chose to publish, by words and by skill.
        """
        entries = search.search_knowledge(
            api_user().team_id, query.get("q", ""), tuple(query.get("skill", ())), limit=query["limit"]
        )
        return Shown([shown.knowledge_entry(entry) for entry in entries])


@blp.route("/skills/suggest")
class SkillSuggestions(MethodView):
    @blp.arguments(SkillSuggestSchema)
    @blp.response(200, SkillSchema(many=True))
    @errors(*BODY_ERRORS)
    def post(self, query):
        """Suggest skills for the text of a question

        Skills the text names (by name, alias, their stems or a misspelling of them) or that
        words of your team's answered questions go with, best match first. The text goes
        in the body: a draft can hold a pasted secret, and addresses are logged.
        """
        found = [skill.id for skill in suggested_skills(query["text"], api_user().team_id)]
        by_id = {
            skill.id: skill
            for skill in db.session.scalars(
                sa.select(Skill).where(Skill.id.in_(found)).options(orm.selectinload(Skill.aliases))
            )
        }
        return [by_id[skill_id] for skill_id in found if skill_id in by_id]
