"""Repeated questions: a question keeps the earlier answered question it repeats, so the mentor who answered that one sees it marked as a repeat, with a link to their answer.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 17:30:00.000000

"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

FK = "fk_questions_repeat_of_id_questions"


@contextmanager
def rebuilding_questions():
    """SQLite changes a table's references only by rebuilding it. Dropping the old table must
    not cascade to the posts and attempts that point at it, and the knowledge base's
    triggers on it must come back as they were."""
    bind = op.get_bind()
    triggers = bind.execute(
        sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%questions%'")
    ).all()
    op.execute("PRAGMA foreign_keys=OFF")
    for name, _ in triggers:
        op.execute(f'DROP TRIGGER "{name}"')
    with op.batch_alter_table("questions", schema=None) as batch_op:
        yield batch_op
    for _, sql in triggers:
        op.execute(sql)
    op.execute("PRAGMA foreign_keys=ON")


def upgrade():
    column = sa.Column("repeat_of_id", sa.Integer(), nullable=True)
    if op.get_bind().dialect.name == "sqlite":
        with rebuilding_questions() as batch_op:
            batch_op.add_column(column)
            batch_op.create_foreign_key(FK, "questions", ["repeat_of_id"], ["id"], ondelete="SET NULL")
        return
    op.add_column("questions", column)
    op.create_foreign_key(FK, "questions", "questions", ["repeat_of_id"], ["id"], ondelete="SET NULL")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        with rebuilding_questions() as batch_op:
            batch_op.drop_constraint(FK, type_="foreignkey")
            batch_op.drop_column("repeat_of_id")
        return
    op.drop_constraint(FK, "questions", type_="foreignkey")
    op.drop_column("questions", "repeat_of_id")
