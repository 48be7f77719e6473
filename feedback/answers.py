"""Answer feedback: whether the answer to a resolved question helped, and an optional word.

The help desk keeps it on the question (`Question.helpful`, `Question.helpful_note`) and
takes it on the thread, from the one-click links in each answer's mail, and through the API
(`app.help.thread.rate_answer`: the asker only; rating again replaces the rating). This
module adds the mail that asks for it once the question is resolved, together with "How
did the task go?", so feedback arrives even from people who never open the thread again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import orm

from app.extensions import db, utcnow
from app.help.models import Question, QuestionState
from app.mail.models import OutboundMail
from app.mail.outgoing.unsubscribe import opted_out_of
from app.people.models import User
from feedback import TOPIC, notices

# The mail goes out this long after the question is resolved (time to finish the task),
# and never for a question resolved longer ago than the window (old ones stay quiet).
FOLLOW_UP_DELAY = timedelta(hours=1)
FOLLOW_UP_WINDOW = timedelta(days=2)


def send_resolved_followups(now: datetime | None = None) -> int:
    """Mail "How did it go?" to the askers of questions resolved a while ago; return how
    many were mailed. Each question's mail has a key, so it goes out once. Runs in the
    periodic job, and commits each question's mail on its own."""
    now = now or utcnow()
    candidates = db.session.scalars(
        sa.select(Question)
        .join(User, User.id == Question.asker_id)
        .where(
            Question.state == QuestionState.RESOLVED,
            User.active.is_(True),
            Question.resolved_at > now - FOLLOW_UP_WINDOW,
            Question.resolved_at <= now - FOLLOW_UP_DELAY,
        )
        .options(orm.joinedload(Question.asker))
        .order_by(Question.resolved_at)
    ).all()
    if not candidates:
        return 0
    keys = {f"feedback-resolved:{q.id}": q for q in candidates}
    sent = set(db.session.scalars(sa.select(OutboundMail.key).where(OutboundMail.key.in_(list(keys)))))
    quiet = opted_out_of(TOPIC, list({q.asker_id for q in candidates}))
    mailed = 0
    for key, question in keys.items():
        if key in sent or question.asker_id in quiet:
            continue
        notices.resolved(question)
        db.session.commit()
        mailed += 1
    return mailed
