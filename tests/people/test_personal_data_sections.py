"""The sections of a person's data cover every place Unstuck names a person: each foreign key
to `users` in the schema belongs to exactly one section, and a person's export holds every
row that names them, from every table, for each person of a scene where every such key
names someone."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.people.invitations import invite
from app.people.models import User
from app.people.personal_data import export_person, sections
from app.sso.models import ExternalIdentity
from matching.models import Mentorship, MentorshipState
from tests.people.personal_data_scene import nina_everywhere
from tests.security.access_scene import Scene


def references_to_people(metadata: sa.MetaData) -> set[str]:
    """Every column of the schema that holds a person's id, as "table.column"."""
    return {
        f"{fk.parent.table.name}.{fk.parent.name}"
        for table in metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name == "users"
    }


def coverage_problems(metadata: sa.MetaData) -> list[str]:
    covered = Counter(column for section in sections() for column in section.covers)
    references = references_to_people(metadata)
    return (
        [
            f"{column} names a person, and no section of a person's data covers it"
            for column in sorted(references - set(covered))
        ]
        + [f"{column} is covered by {covered[column]} sections" for column in sorted(covered) if covered[column] > 1]
        + [f"{column} is covered, but is no reference to a person" for column in sorted(set(covered) - references)]
    )


def test_every_reference_to_a_person_belongs_to_one_section(app):
    assert coverage_problems(db.metadata) == []
    assert {
        "users.manager_id",
        "questions.asker_id",
        "session_votes.voter_id",
        "outbound_mail.user_id",
    } <= references_to_people(db.metadata)


def test_a_new_table_that_names_people_needs_a_section(app):
    metadata = sa.MetaData()
    for table in db.metadata.sorted_tables:
        table.to_metadata(metadata)
    sa.Table(
        "bookmarks",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("owner_id", sa.ForeignKey("users.id")),
    )
    assert coverage_problems(metadata) == [
        "bookmarks.owner_id names a person, and no section of a person's data covers it"
    ]


@pytest.fixture
def s(make, jobs) -> Scene:
    """The scene with Nina everywhere, and the few references it does not fill yet: Lena is
    Nina's manager, Ada cleared the flag, a mentorship of Olli's that Otto ended (chosen by
    Ada by hand), and Nina's account at the company's identity provider."""
    s = nina_everywhere(make, jobs)
    nina, olli = s.people["new_hire"], s.people["other_new_hire"]
    nina.manager_id = s.people["lead"].id
    s.flag.cleared_at, s.flag.cleared_by_id = utcnow(), s.people["admin"].id
    db.session.add(
        Mentorship(
            new_hire_id=olli.id,
            mentor_id=s.other_lead.id,
            state=MentorshipState.ENDED,
            expires_at=utcnow(),
            ended_at=utcnow(),
            ended_by_id=s.other_lead.id,
            end_reason="Moved teams",
            source="admin",
            chosen_by_id=s.people["admin"].id,
        )
    )
    db.session.add(ExternalIdentity(user_id=nina.id, issuer="https://login.example.com", subject="00u-nina"))
    db.session.commit()
    invite(nina.id, s.people["admin"].id)  # an invitation, to and by someone
    export_person(nina.id, by_id=s.people["admin"].id, via="web")  # a recorded request, by and about someone
    db.session.commit()
    return s


def primary_key(table: sa.Table, row: dict) -> tuple:
    return tuple(row[column.name] for column in table.primary_key.columns)


def test_each_persons_export_holds_every_row_that_names_them(app, s):
    people = db.session.scalars(sa.select(User).order_by(User.id)).all()
    filled, missing = set(), []
    for person in people:
        exported = export_person(person.id, by_id=None, via="command")["sections"]
        by_table: dict[str, set] = {}
        for section in exported.values():
            for table_name, found in section.items():
                table = db.metadata.tables[table_name]
                by_table.setdefault(table_name, set()).update(primary_key(table, row) for row in found)
        for reference in sorted(references_to_people(db.metadata)):
            table_name, column = reference.split(".")
            table = db.metadata.tables[table_name]
            naming = db.session.execute(sa.select(*table.primary_key.columns).where(table.c[column] == person.id)).all()
            if naming:
                filled.add(reference)
            missing += [
                f"{reference} = {person.id}: row {tuple(key)} is not in the export"
                for key in naming
                if tuple(key) not in by_table.get(table_name, set())
            ]
    assert missing == []
    assert filled == references_to_people(db.metadata), "the scene names someone in every such column"


def test_an_export_names_nobody_else_by_address(app, s):
    nina = s.people["new_hire"]
    text = repr(export_person(nina.id, by_id=None, via="command"))
    others = db.session.scalars(sa.select(User.email).where(User.id != nina.id)).all()
    assert nina.email in text and [email for email in others if email in text] == []
