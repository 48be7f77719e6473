"""Teams messages keep their notice's card and thread, for the email that carries it if Teams never takes it.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 06:15:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("teams_messages") as batch_op:
        batch_op.add_column(sa.Column("card", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("thread", sa.String(length=80), nullable=True))


def downgrade():
    with op.batch_alter_table("teams_messages") as batch_op:
        batch_op.drop_column("thread")
        batch_op.drop_column("card")
