"""The person's own records, as a section of their data: their details, roles, team and
skills, the people who report to them, their API tokens, sign-ins, accounts at the company's
identity provider and invitations (theirs, and those they sent), and the downloads and
erasures of their data. Erasing drops their skills, tokens, sign-ins, identity provider
accounts, invitation, password and profile; the name and address are replaced by `app.people.personal_data.erase_person`
itself, last."""

from __future__ import annotations

from datetime import time

import sqlalchemy as sa

from app.auth.models import ApiToken, SignInSession
from app.extensions import db
from app.people.invitations import Invitation
from app.people.models import PersonalDataRequest, Team, User, UserRole
from app.people.personal_data import register_personal_data, row_data, rows
from app.sso.models import ExternalIdentity

COVERS = {
    "users.manager_id",
    "teams.lead_id",
    "user_roles.user_id",
    "user_skills.user_id",
    "api_tokens.user_id",
    "sign_in_sessions.user_id",
    "external_identities.user_id",
    "personal_data_requests.subject_id",
    "personal_data_requests.by_id",
    "invitations.user_id",
    "invitations.invited_by_id",
}


def export_person_records(user_id: int) -> dict[str, list[dict]]:
    user = db.session.get(User, user_id)
    reports = [
        {"id": r.id, "name": r.name, "manager_id": r.manager_id}
        for r in db.session.scalars(sa.select(User).where(User.manager_id == user_id).order_by(User.id))
    ]
    return {
        "users": [row_data(user, omit={"password_hash"}), *reports],
        "teams": rows(Team, sa.or_(Team.id == user.team_id, Team.lead_id == user_id)),
        "user_roles": rows(UserRole, UserRole.user_id == user_id),
        "user_skills": [{**row_data(s), "skill": s.skill.name} for s in user.skills],
        "api_tokens": rows(ApiToken, ApiToken.user_id == user_id, omit={"token_hash"}),
        "sign_in_sessions": rows(
            SignInSession, SignInSession.user_id == user_id, omit={"secret_hash", "previous_hash"}
        ),
        "invitations": rows(
            Invitation, sa.or_(Invitation.user_id == user_id, Invitation.invited_by_id == user_id), omit={"link_nonce"}
        ),
        "external_identities": rows(ExternalIdentity, ExternalIdentity.user_id == user_id),
        "personal_data_requests": rows(
            PersonalDataRequest, sa.or_(PersonalDataRequest.subject_id == user_id, PersonalDataRequest.by_id == user_id)
        ),
    }


def erase_person_records(user_id: int, remove_texts: bool) -> None:
    user = db.session.get(User, user_id)
    user.skills = []
    for model in (ApiToken, SignInSession, Invitation, ExternalIdentity):
        db.session.execute(
            sa.delete(model).where(model.user_id == user_id).execution_options(synchronize_session=False)
        )
    user.password_hash = None
    user.title = ""
    user.timezone, user.work_start, user.work_end = "UTC", time(9), time(17)
    user.work_days, user.holiday_country, user.holiday_region = "0,1,2,3,4", "", ""
    user.start_date = user.manager_id = user.away_from = user.away_until = None


def register(app) -> None:
    register_personal_data(app, "person", covers=COVERS, export=export_person_records, erase=erase_person_records)
