"""CSV files of people for the import tests, and ways to read back what an import wrote."""

import sqlalchemy as sa

from app.extensions import db
from app.people.models import Skill, SkillKind, User, UserSkill

HEADER = "email,name,team,roles,title,level,timezone,manager_email,can_teach,wants_to_learn"


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def person(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email))


def skills_of(user: User, kind: SkillKind) -> dict[str, int]:
    db.session.refresh(user)
    return user.skill_levels(kind)


def everything() -> tuple:
    """Every person, skill and person's skill, to compare before and after an import."""
    db.session.expire_all()
    people = db.session.execute(
        sa.select(
            User.email, User.name, User.team_id, User.title, User.level, User.timezone, User.manager_id, User.start_date
        ).order_by(User.email)
    ).all()
    roles = sorted((u.email, sorted(u.roles)) for u in db.session.scalars(sa.select(User)))
    skills = db.session.execute(sa.select(Skill.name).order_by(Skill.name)).all()
    levels = db.session.execute(
        sa.select(UserSkill.user_id, UserSkill.skill_id, UserSkill.kind, UserSkill.level).order_by(
            UserSkill.user_id, UserSkill.skill_id
        )
    ).all()
    return people, roles, skills, levels
