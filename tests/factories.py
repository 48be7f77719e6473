"""Factories for test data: small functions with sensible defaults and explicit overrides."""

from __future__ import annotations

import itertools
from datetime import time

from app.extensions import db
from app.people.models import Role, Skill, SkillKind, Team, User, UserSkill, normalize_key

_counter = itertools.count(1)


class Factories:
    """Make rows, committed, ready to use."""

    PASSWORD = "correct horse battery"

    def team(self, name: str | None = None, lead: User | None = None) -> Team:
        team = Team(name=name or f"Team {next(_counter)}", lead=lead)
        db.session.add(team)
        db.session.commit()
        return team

    def user(
        self,
        name: str | None = None,
        email: str | None = None,
        roles=(Role.NEW_HIRE,),
        team: Team | None = None,
        password: str | None = PASSWORD,
        **fields,
    ) -> User:
        n = next(_counter)
        user = User(
            email=(email or f"person{n}@example.com").lower(),
            name=name or f"Person {n}",
            team=team,
            timezone=fields.pop("timezone", "Europe/Berlin"),
            work_start=fields.pop("work_start", time(9)),
            work_end=fields.pop("work_end", time(17)),
            **fields,
        )
        user.roles = roles
        if password:
            user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    def admin(self, **fields) -> User:
        return self.user(roles=(Role.ADMIN,), **fields)

    def mentor(self, **fields) -> User:
        return self.user(roles=(Role.MENTOR,), **fields)

    def skill(self, name: str | None = None, category: str = "", aliases=()) -> Skill:
        from app.people.models import SkillAlias

        name = name or f"Skill {next(_counter)}"
        skill = Skill(
            name=name,
            key=normalize_key(name),
            category=category,
            aliases=[SkillAlias(name=a, key=normalize_key(a)) for a in aliases],
        )
        db.session.add(skill)
        db.session.commit()
        return skill

    def user_skill(self, user: User, skill: Skill, kind=SkillKind.TEACH, level: int = 3) -> UserSkill:
        row = UserSkill(user_id=user.id, skill_id=skill.id, kind=SkillKind(kind), level=level)
        db.session.add(row)
        db.session.commit()
        return row
