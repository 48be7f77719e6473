"""Things that happen to people, which features can act on without the kernel knowing them."""

import sqlalchemy as sa
from blinker import Namespace

from app.extensions import db
from app.people.models import Role, Team, User, UserRole

_signals = Namespace()

# Sent during the flush that makes a person a new hire — however it happens: the admin
# form, a CSV import, the API — with `user_id` as the argument. Receivers that start work
# enqueue their jobs with enqueue_after_commit, so nothing runs if the transaction fails.
new_hire_joined = _signals.signal("new-hire-joined")

# Sent inside the transaction that merges one skill into another, before the source skill
# is deleted, with `source_id` and `target_id`: features move their own links to the target.
skills_merging = _signals.signal("skills-merging")

# Sent after the demo organisation is committed, with `today`: features add their own demo
# (a weekly session, say) in a transaction of their own.
demo_seeded = _signals.signal("demo-seeded")


# Sent during the flush that moves someone from one team to another or gives a team another lead,
# with `team_ids`: the teams whose members or lead changed (the old and the new). Receivers
# enqueue their work with enqueue_after_commit, as for new_hire_joined.
team_changed = _signals.signal("team-changed")

# Sent inside the transaction that deactivates a person (app.people.leavers), once, after
# their sign-ins and tokens ended, with `user_id`. Each feature does its part of a leaver's
# going in this transaction (service calls that flush) and enqueues its mail and jobs with
# enqueue_after_commit.
person_leaving = _signals.signal("person-leaving")

# Sent to ask what deactivating a person would do, with `user_id`; changes nothing. Each
# receiver returns a list of short sentences ("2 questions waiting for them move to other
# mentors."), which the admin's confirmation page lists.
leaving_preview = _signals.signal("leaving-preview")


def move_skill_tags(table: sa.Table, tagged: str, source_id: int, target_id: int) -> None:
    """What a feature's skills_merging receiver does for a table that tags its rows with
    skills (columns `tagged` and skill_id): each row tagged with the source skill gets the
    target's tag too, unless it has it already (the source's tags go with the skill)."""
    owner = table.c[tagged]
    already = sa.select(owner).where(table.c.skill_id == target_id)
    db.session.execute(
        table.insert().from_select(
            [tagged, "skill_id"],
            sa.select(owner, sa.literal(target_id)).where(table.c.skill_id == source_id, owner.not_in(already)),
        )
    )


def watch_people() -> None:
    """Send the people signals from the database session (once per process)."""
    if not sa.event.contains(db.session, "after_flush", _after_flush):
        sa.event.listen(db.session, "after_flush", _after_flush)


def _after_flush(session, flush_context) -> None:
    for row in session.new:
        if isinstance(row, UserRole) and row.role == Role.NEW_HIRE:
            new_hire_joined.send(None, user_id=row.user_id)
    if changed := _changed_teams(session):
        team_changed.send(None, team_ids=changed)


def _changed_teams(session) -> set[int]:
    """The teams a person joined or left in this flush, or whose lead changed (set by id or
    through the relationship)."""
    teams: set[int] = set()
    for row in session.dirty:
        if isinstance(row, User):
            teams.update(_changed(row, "team_id", "team"))
        elif isinstance(row, Team) and _changed(row, "lead_id", "lead"):
            teams.add(row.id)
    return teams


def _changed(row, column: str, relationship: str) -> set[int]:
    """The ids an attribute held before and after the flush, if it changed."""
    state = sa.inspect(row)
    ids: set[int] = set()
    for name in (column, relationship):
        history = state.attrs[name].history
        if history.has_changes():
            values = (*history.added, *history.deleted)
            ids.update(v if name == column else v.id for v in values if v is not None)
    return ids
