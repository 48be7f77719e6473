"""JSON API for feedback: task feedback, mentorship check-ins and question clarity.

Everyone reads and writes only their own feedback. Something the caller may not see (a
check-in or task feedback of someone else's, a question they cannot read) answers 404,
whether it exists or not; a question they see but did not answer answers 403 when they
rate its clarity. Whether an answer helped is said on the question itself:
`POST /questions/{question_id}/rating`.
"""

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import orm

from app.api import BODY_ERRORS, COMMON_ERRORS, api_user, error_docs, paginated, refusals_answered
from app.errors import NotFound, Refused
from app.extensions import db
from feedback import checkins, clarity, tasks
from feedback.checkins import Closed
from feedback.metrics import MIN_RESPONSES
from feedback.models import Checkin, TaskFeedback
from feedback.schemas import (
    CheckinAnswerSchema,
    CheckinSchema,
    ClarityInSchema,
    ClarityRatingSchema,
    MyClaritySchema,
    TaskFeedbackInSchema,
    TaskFeedbackSchema,
)

blp = Blueprint(
    "feedback_api",
    __name__,
    url_prefix="/feedback",
    description="Feedback: how tasks went, mentorship check-ins, question clarity",
)

ERRORS = {
    **COMMON_ERRORS,
    403: "You can see this but not do this; `message` says why (only a mentor who answered a "
    "question rates its clarity).",
    404: "There is nothing with this id that is yours to see.",
    409: "This cannot be answered now (the mentorship ended, or a newer check-in was sent); "
    "`message` says why. Nothing changed.",
    422: "Some fields (or query parameters) are not valid; `fields` says which and why, naming "
    "the scale or the limit. Nothing was saved.",
}


def errors(*statuses: int):
    """Document the JSON error answers of an operation: 401, the given ones, and any other."""
    return error_docs(blp, ERRORS, statuses)


def acting():
    """Turn a service's refusal into an error answer, with nothing changed."""
    return refusals_answered(not_found=NotFound, forbidden=Refused, conflict=Closed)


def shown_task(feedback_id: int) -> TaskFeedback:
    with acting():
        tasks.own_task(feedback_id, api_user().id)
    db.session.expire_all()
    return db.session.scalar(
        sa.select(TaskFeedback).where(TaskFeedback.id == feedback_id).options(orm.selectinload(TaskFeedback.skills))
    )


@blp.route("/tasks")
class Tasks(MethodView):
    @blp.response(200, TaskFeedbackSchema(many=True))
    @blp.paginate()
    @errors(422)
    def get(self, pagination_parameters):
        """List your task feedback, newest first

        The `X-Pagination` header says how many there are.
        """
        return paginated(tasks.own_task_feedback(api_user().id), pagination_parameters)

    @blp.arguments(TaskFeedbackInSchema)
    @blp.response(201, TaskFeedbackSchema)
    @errors(403, 404, *BODY_ERRORS)
    def post(self, fields):
        """Say how a task went

        Free text reaches your lead without your name unless `signed` is true, and the team
        (on the weekly session's agenda) only if `shared` is true; your rating reaches leads
        only in averages over at least three ratings (admins may download the raw feedback,
        names and all; each download is logged). Sending the
        same `request_key` again saves once and answers with the first feedback. A
        `question_id` that is not one of your questions answers 404.
        """
        fields["skills"] = tuple(fields.get("skills", ()))
        fields["helped"] = tuple(fields.get("helped", ()))
        with acting():
            feedback = tasks.record_task_feedback(api_user().id, tasks.TaskInput(**fields), via="api")
        return shown_task(feedback.id)


@blp.route("/tasks/<int:feedback_id>")
class TaskById(MethodView):
    @blp.response(200, TaskFeedbackSchema)
    @errors(404)
    def get(self, feedback_id):
        """Show one of your task feedbacks"""
        return shown_task(feedback_id)


@blp.route("/checkins")
class Checkins(MethodView):
    @blp.response(200, CheckinSchema(many=True))
    @errors()
    def get(self):
        """List your open check-ins

        The latest check-in of each of your active mentorships, answered or not: the ones
        you can still answer or change. Newest first.
        """
        return checkins.open_checkins(api_user().id)


@blp.route("/checkins/<int:checkin_id>")
class CheckinById(MethodView):
    @blp.arguments(CheckinAnswerSchema)
    @blp.response(200, CheckinSchema)
    @errors(403, 404, 409, *BODY_ERRORS)
    def post(self, fields, checkin_id):
        """Answer one of your check-ins

        Answering again replaces the answer. Two scores of 2 or less in a row from one side
        flag the mentorship for the admins.
        """
        with acting():
            checkins.answer_checkin(checkin_id, api_user().id, fields["score"], fields.get("change", ""), via="api")
        db.session.expire_all()
        return db.session.get(Checkin, checkin_id)


@blp.route("/questions/<int:question_id>/clarity")
class Clarity(MethodView):
    @blp.arguments(ClarityInSchema)
    @blp.response(200, ClarityRatingSchema)
    @errors(403, 404, *BODY_ERRORS)
    def post(self, fields, question_id):
        """Rate how clearly a question you answered was asked

        Only mentors who answered the question may; rating again replaces the rating. The
        asker sees only an average over several ratings, never who rated.
        """
        with acting():
            return clarity.rate_clarity(question_id, api_user().id, fields["score"])


@blp.route("/clarity")
class MyClarity(MethodView):
    @blp.response(200, MyClaritySchema)
    @errors()
    def get(self):
        """Show how clearly you ask

        The mentors' ratings of your questions' clarity, with a tip; shown only once there
        are at least three, and brought up to date only once three more have come, so no
        single rating can be read off it, not even by reading it before and after.
        """
        shown = clarity.clarity_for_asker(api_user().id)
        if shown is None:
            return {"shown": False, "min_responses": MIN_RESPONSES, "responses": None, "mean": None, "tip": None}
        return {
            "shown": True,
            "min_responses": MIN_RESPONSES,
            "responses": shown.responses,
            "mean": round(shown.mean, 2),
            "tip": shown.tip,
        }
