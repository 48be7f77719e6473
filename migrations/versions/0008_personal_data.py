"""A person's data on request: when a person was erased, and the record of each download and erasure of a person's data.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 13:58:58.511301

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "personal_data_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("via", sa.String(length=10), nullable=False),
        sa.Column("detail", sa.String(length=60), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"], ["users.id"], name=op.f("fk_personal_data_requests_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["users.id"], name=op.f("fk_personal_data_requests_subject_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_data_requests")),
    )
    with op.batch_alter_table("personal_data_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_personal_data_requests_subject_id"), ["subject_id"], unique=False)

    # In place, on SQLite too: copying `users` in batch mode would drop the table every other
    # table refers to, and with foreign keys on, that deletes what refers to it.
    op.add_column("users", sa.Column("erased_at", sa.DateTime(), nullable=True))


def downgrade():
    op.drop_column("users", "erased_at")  # SQLite 3.35 and later drop a column in place
    with op.batch_alter_table("personal_data_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_personal_data_requests_subject_id"))

    op.drop_table("personal_data_requests")
