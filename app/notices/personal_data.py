"""Notices, as a section of a person's data: where they chose their notices to go.
Erasing drops their choices."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.notices.models import NoticeChoice
from app.people.personal_data import register_personal_data, rows

COVERS = {"notice_choices.user_id"}


def export_notices(user_id: int) -> dict[str, list[dict]]:
    return {"notice_choices": rows(NoticeChoice, NoticeChoice.user_id == user_id)}


def erase_notices(user_id: int, remove_texts: bool) -> None:
    db.session.execute(sa.delete(NoticeChoice).where(NoticeChoice.user_id == user_id))


def register(app) -> None:
    register_personal_data(app, "notices", covers=COVERS, export=export_notices, erase=erase_notices)
