"""JSON API for mentorships: each side sees and acts on their own, admins see all.

A mentorship the caller may not see answers 404, whether it exists or not; one they may
see but not act on (a new hire accepting their own proposal, an admin) answers 403.
"""

import sqlalchemy as sa
from flask import abort
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import orm

from app.api import BODY_ERRORS, COMMON_ERRORS, api_user, error_docs, paginated, refusals_answered
from app.extensions import db
from app.people.models import Role
from matching import services
from matching.models import LIVE_STATES, Mentorship, MentorshipState, WaitingForMentor
from matching.schemas import (
    DeclineSchema,
    EndSchema,
    FitSchema,
    MentorshipQuerySchema,
    MentorshipSchema,
    MyMentorSchema,
)

blp = Blueprint("mentorships_api", __name__, description="Mentorships: proposals, answers, endings")

ERRORS = {
    **COMMON_ERRORS,
    403: "You can see this mentorship but not do this: only its mentor answers a proposal, "
    "and only its two sides end it or answer for it.",
    404: "There is no mentorship with this id that you can see.",
    409: "This cannot happen now (for example the proposal was already answered, the "
    "mentorship is not active, or the mentor has no free slot); `message` says why. "
    "Nothing changed.",
    422: "Some fields are not valid; `fields` says which and why. Nothing changed.",
}
ACTION_ERRORS = (403, 404, 409)


def errors(*statuses: int):
    """Document the JSON error answers of an operation: 401, the given ones, and any other."""
    return error_docs(blp, ERRORS, statuses)


def with_people(query):
    """Load what a mentorship's answer shows along with it, in a few queries."""
    return query.options(
        orm.selectinload(Mentorship.new_hire),
        orm.selectinload(Mentorship.mentor),
        orm.selectinload(Mentorship.ended_by),
        orm.selectinload(Mentorship.fit_answers),
    )


def visible_mentorship(mentorship_id: int) -> Mentorship:
    """Return a mentorship the caller may see (Mentorship.seen_by), or any for an admin;
    404 otherwise."""
    mentorship = db.get_or_404(Mentorship, mentorship_id)
    caller = api_user()
    if not (mentorship.seen_by(caller.id) or caller.has_role(Role.ADMIN)):
        abort(404)
    return mentorship


def acting():
    """Turn a service's refusal into an error answer, with nothing changed."""
    return refusals_answered(not_found=LookupError, forbidden=services.NotYours, conflict=services.MatchingError)


@blp.route("/mentorships")
class Mentorships(MethodView):
    @blp.arguments(MentorshipQuerySchema, location="query")
    @blp.response(200, MentorshipSchema(many=True))
    @blp.paginate()
    @errors(422)
    def get(self, filters, pagination_parameters):
        """List your mentorships, newest first

        Those where you are the mentor, in every state, and those where you are the new
        hire once they started (a proposal to a mentor is theirs to answer: who was asked, or
        said no, is not shown to the new hire); admins see every mentorship. The
        `X-Pagination` header says how many there are.
        """
        caller = api_user()
        query = with_people(sa.select(Mentorship)).order_by(Mentorship.proposed_at.desc(), Mentorship.id.desc())
        if not caller.has_role(Role.ADMIN):
            query = query.where(Mentorship.seen_by_clause(caller.id))
        if "state" in filters:
            query = query.where(Mentorship.state == filters["state"])
        return paginated(query, pagination_parameters)


@blp.route("/mentorships/<int:mentorship_id>")
class MentorshipById(MethodView):
    @blp.response(200, MentorshipSchema)
    @errors(404)
    def get(self, mentorship_id):
        """Show a mentorship, with its score and reasons"""
        return visible_mentorship(mentorship_id)


@blp.route("/mentorships/<int:mentorship_id>/accept")
class Accept(MethodView):
    @blp.response(200, MentorshipSchema)
    @errors(*ACTION_ERRORS)
    def post(self, mentorship_id):
        """Accept a proposal, as its mentor

        Succeeds only while you have a free mentee slot; otherwise 409 says how many you
        mentor and the limit.
        """
        visible_mentorship(mentorship_id)
        with acting():
            return services.accept(mentorship_id, api_user().id)


@blp.route("/mentorships/<int:mentorship_id>/decline")
class Decline(MethodView):
    @blp.arguments(DeclineSchema, required=False)
    @blp.response(200, MentorshipSchema)
    @errors(*ACTION_ERRORS, *BODY_ERRORS)
    def post(self, fields, mentorship_id):
        """Decline a proposal, as its mentor

        The new hire is proposed to the next best mentor, never you again. The body is
        optional.
        """
        visible_mentorship(mentorship_id)
        with acting():
            return services.decline(mentorship_id, api_user().id, fields.get("note", ""))


@blp.route("/mentorships/<int:mentorship_id>/end")
class End(MethodView):
    @blp.arguments(EndSchema)
    @blp.response(200, MentorshipSchema)
    @errors(*ACTION_ERRORS, *BODY_ERRORS)
    def post(self, fields, mentorship_id):
        """End an active mentorship, as either side

        The other side is told, with your reason. With `worked_out` false the pair is never
        proposed again.
        """
        visible_mentorship(mentorship_id)
        with acting():
            return services.end(mentorship_id, api_user().id, fields["reason"], fields["worked_out"])


@blp.route("/mentorships/<int:mentorship_id>/fit")
class Fit(MethodView):
    @blp.arguments(FitSchema)
    @blp.response(200, MentorshipSchema)
    @errors(*ACTION_ERRORS, *BODY_ERRORS)
    def post(self, fields, mentorship_id):
        """Answer "is this a good fit?", as either side

        A second answer replaces the first. Only you see your answer, as `your_fit_answer`.
        """
        visible_mentorship(mentorship_id)
        with acting():
            return services.answer_fit_check(mentorship_id, api_user().id, fields["good_fit"]).mentorship


@blp.route("/people/me/mentor")
class MyMentor(MethodView):
    @blp.response(200, MyMentorSchema)
    @errors()
    def get(self):
        """Show your mentor and why, that a proposal is on its way, or why you are still waiting

        A proposal shows only as on its way, with when its mentor answers at the latest:
        you learn who your mentor is once they accept.
        """
        caller = api_user()
        current = db.session.scalar(
            with_people(sa.select(Mentorship)).where(
                Mentorship.new_hire_id == caller.id, Mentorship.state.in_(LIVE_STATES)
            )
        )
        waiting = None if current else db.session.get(WaitingForMentor, caller.id)
        if current is not None and current.state == MentorshipState.PROPOSED:
            return {"mentorship": None, "proposal": {"answer_by": current.expires_at}, "waiting": None}
        return {"mentorship": current, "proposal": None, "waiting": waiting}
