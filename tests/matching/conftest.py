"""Fixtures of the matching tests: the cast of a mentorship, and the rows it may change."""

import pytest

from app.people.models import SkillKind
from tests.matching.mentorship_cast import WATCHED_TABLES, Cast


@pytest.fixture
def cast(make, jobs) -> Cast:
    """A new hire who wants to learn SQL, a mentor who teaches it, another mentor and an admin.

    They call the API with tokens only, so they have no password (hashing one is slow).
    """
    sql = make.skill("SQL")
    new_hire = make.user(name="Nina New", title="Backend Engineer", level=1, password=None)
    jobs.connection.flushdb()  # drop the proposal job joining queued: tests propose their own pairs
    make.user_skill(new_hire, sql, SkillKind.LEARN, 1)
    mentor = make.mentor(name="Max Mentor", title="Senior Backend Engineer", level=3, max_mentees=2, password=None)
    make.user_skill(mentor, sql, SkillKind.TEACH, 4)
    other = make.mentor(name="Olga Other", max_mentees=2, password=None)
    return Cast(new_hire, mentor, other, make.admin(name="Ada Admin", password=None), sql)


@pytest.fixture
def saved(committed_rows):
    """Return every committed row of the matching tables, read on a connection of its own."""
    return lambda: committed_rows(WATCHED_TABLES)
