"""How often each mentor hears of the questions that can wait: their digest setting.

Each mentor chooses how often (hourly for those who never chose), at what time of their
day and, for a weekly digest, on which day; app.help.digest_schedule turns that into the
moments digests are due, and app.help.digest sends them.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.database import dialect_insert
from app.errors import InvalidInput
from app.extensions import db
from app.help import digest_schedule
from app.help.models import DigestFrequency, DigestSetting
from app.mail.outgoing.unsubscribe import opt_in
from app.people.models import User

TOPIC = "digest"  # the unsubscribe topic
DEFAULT_FREQUENCY = DigestFrequency.HOURLY
DEFAULT_MINUTE = 9 * 60


def default_setting(user_id: int) -> DigestSetting:
    """The setting of a mentor who never chose one (not saved)."""
    return DigestSetting(
        user_id=user_id, frequency=DEFAULT_FREQUENCY, minute_of_day=DEFAULT_MINUTE, weekday=0, last_sent_at=None
    )


def setting_of(user_id: int) -> DigestSetting:
    """The mentor's digest setting, or the default one."""
    return db.session.get(DigestSetting, user_id) or default_setting(user_id)


def save_setting(user_id: int, frequency: str, minute_of_day: int, weekday: int) -> DigestSetting:
    """Save how often the person hears of questions that can wait.

    Choosing a frequency is asking for digests, so it undoes an unsubscribe. Raises
    InvalidInput, saving nothing, for a value no schedule can be made of.
    """
    errors = {}
    if frequency not in {f.value for f in DigestFrequency}:
        errors["frequency"] = "Choose how often you want to hear of questions that can wait."
    if not (isinstance(minute_of_day, int) and 0 <= minute_of_day < digest_schedule.MINUTES_PER_DAY):
        errors["time"] = "Enter a time of day as HH:MM, such as 09:00."
    if not (isinstance(weekday, int) and 0 <= weekday <= 6):
        errors["weekday"] = "Choose a day of the week."
    if errors:
        raise InvalidInput(errors)
    ensure_settings([user_id])
    setting = db.session.scalar(
        sa.select(DigestSetting)
        .where(DigestSetting.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    setting.frequency, setting.minute_of_day, setting.weekday = DigestFrequency(frequency), minute_of_day, weekday
    opt_in(user_id, TOPIC)
    db.session.flush()
    return setting


def ensure_settings(user_ids: list[int]) -> None:
    """Give each person a settings row (the default one) if they have none.

    A mentor's last digest has to be kept somewhere, and a row can be locked; two runs
    racing to make the same row make it once.
    """
    # Looked for first: most mentors have a row, and a write would hold SQLite's only lock.
    missing = db.session.scalars(
        sa.select(User.id).where(User.id.in_(user_ids), User.id.not_in(sa.select(DigestSetting.user_id)))
    ).all()
    if missing:
        db.session.execute(
            dialect_insert(DigestSetting.__table__).on_conflict_do_nothing(index_elements=["user_id"]),
            [
                dict(user_id=user_id, frequency=DEFAULT_FREQUENCY.value, minute_of_day=DEFAULT_MINUTE, weekday=0)
                for user_id in missing
            ],
        )


def next_digest_for(user: User, now: datetime) -> datetime | None:
    """When the person would hear of a question that can wait arriving now (None: at once)."""
    setting = setting_of(user.id)
    due = digest_schedule.next_digest_at(
        setting.frequency, setting.minute_of_day, setting.weekday, user.timezone, setting.last_sent_at, now
    )
    return None if due is None else max(due, now)
