"""Choosing a mentor by hand: on a mentorship, the admin who chose it, the rules they
overrode (if any) and the reason they gave.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 02:10:00.000000

"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

FK = "fk_mentorships_chosen_by_id_users"


@contextmanager
def rebuilding_mentorships():
    """SQLite adds or drops a reference only by rebuilding the table: dropping the old table
    must not cascade to the answers, check-ins and flags that point at it."""
    op.execute("PRAGMA foreign_keys=OFF")
    with op.batch_alter_table("mentorships", schema=None) as batch_op:
        yield batch_op
    op.execute("PRAGMA foreign_keys=ON")


def upgrade():
    rules = sa.Column("overridden_rules", sa.JSON(), server_default="[]", nullable=False)
    reason = sa.Column("override_reason", sa.String(length=500), server_default="", nullable=False)
    chosen_by = sa.Column("chosen_by_id", sa.Integer(), nullable=True)
    if op.get_bind().dialect.name == "sqlite":
        with rebuilding_mentorships() as batch_op:
            for column in (rules, reason, chosen_by):
                batch_op.add_column(column)
            batch_op.create_foreign_key(FK, "users", ["chosen_by_id"], ["id"], ondelete="SET NULL")
        return
    for column in (rules, reason, chosen_by):
        op.add_column("mentorships", column)
    op.create_foreign_key(FK, "mentorships", "users", ["chosen_by_id"], ["id"], ondelete="SET NULL")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        with rebuilding_mentorships() as batch_op:
            batch_op.drop_constraint(FK, type_="foreignkey")
            batch_op.drop_column("chosen_by_id")
            batch_op.drop_column("override_reason")
            batch_op.drop_column("overridden_rules")
        return
    op.drop_constraint(FK, "mentorships", type_="foreignkey")
    op.drop_column("mentorships", "chosen_by_id")
    op.drop_column("mentorships", "override_reason")
    op.drop_column("mentorships", "overridden_rules")
