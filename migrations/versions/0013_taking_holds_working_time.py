"""Taking holds and working time: a person's working days and holiday country/region; a taken question's one reminder.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 17:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("work_days", sa.String(length=20), server_default="0,1,2,3,4", nullable=False))
        batch_op.add_column(sa.Column("holiday_country", sa.String(length=3), server_default="", nullable=False))
        batch_op.add_column(sa.Column("holiday_region", sa.String(length=10), server_default="", nullable=False))

    with op.batch_alter_table("routing_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("routing_attempts", schema=None) as batch_op:
        batch_op.drop_column("reminded_at")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("holiday_region")
        batch_op.drop_column("holiday_country")
        batch_op.drop_column("work_days")
