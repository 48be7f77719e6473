"""Directory sync's section of a person's data: the groups of the identity provider that
give them a role, and the SCIM tokens they made (never the secret). Erasing takes them out
of those groups (their roles stay as they are), forgets their id in the directory, and
keeps the tokens they made without their name."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.people.models import User
from app.people.personal_data import register_personal_data, rows
from app.scim.models import ScimGroup, ScimGroupMember, ScimToken

COVERS = {"scim_group_members.user_id", "scim_tokens.created_by_id"}


def export_directory_records(user_id: int) -> dict[str, list[dict]]:
    names = dict(db.session.execute(sa.select(ScimGroup.id, ScimGroup.display_name)).all())
    return {
        "scim_group_members": [
            {**row, "group": names.get(row["group_id"])}
            for row in rows(ScimGroupMember, ScimGroupMember.user_id == user_id)
        ],
        "scim_tokens": rows(ScimToken, ScimToken.created_by_id == user_id, omit={"token_hash"}),
    }


def erase_directory_records(user_id: int, remove_texts: bool) -> None:
    db.session.execute(sa.delete(ScimGroupMember).where(ScimGroupMember.user_id == user_id))
    db.session.execute(sa.update(ScimToken).where(ScimToken.created_by_id == user_id).values(created_by_id=None))
    db.session.get(User, user_id).external_id = None


def register(app) -> None:
    register_personal_data(
        app, "directory sync", covers=COVERS, export=export_directory_records, erase=erase_directory_records
    )
