"""Each person's choice of channels for a topic of notices; without a row, email."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class NoticeChoice(db.Model):
    __tablename__ = "notice_choices"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    topic: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    # The channels' names, such as ["email", "slack"]; an empty list is not kept.
    channels: Mapped[list] = mapped_column(sa.JSON, default=list)
