"""Privacy: task feedback shared with the team only where its writer chose so.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # Feedback written before this choice existed stays with the lead: nobody chose to share it.
    with op.batch_alter_table('task_feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shared', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('task_feedback', schema=None) as batch_op:
        batch_op.drop_column('shared')
