"""Webhook endpoints verify themselves before they get events; a reminder before each weekly session.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 06:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("webhook_endpoints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verified_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("challenge", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("verification_sent_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("verification_error", sa.String(length=300), nullable=True))
    # The endpoints registered before verification existed keep getting their events.
    op.execute("UPDATE webhook_endpoints SET verified_at = created_at")
    with op.batch_alter_table("session_series", schema=None) as batch_op:
        batch_op.add_column(sa.Column("remind_minutes", sa.Integer(), server_default=sa.text("15"), nullable=False))
    with op.batch_alter_table("session_weeks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("session_weeks", schema=None) as batch_op:
        batch_op.drop_column("reminded_at")
    with op.batch_alter_table("session_series", schema=None) as batch_op:
        batch_op.drop_column("remind_minutes")
    with op.batch_alter_table("webhook_endpoints", schema=None) as batch_op:
        batch_op.drop_column("verification_error")
        batch_op.drop_column("verification_sent_at")
        batch_op.drop_column("challenge")
        batch_op.drop_column("verified_at")
