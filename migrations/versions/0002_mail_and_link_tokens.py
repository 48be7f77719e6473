"""Outbound mail, and the used single-use link tokens.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 10:49:57.970573

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "used_link_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=60), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_used_link_tokens")),
        sa.UniqueConstraint("nonce", name=op.f("uq_used_link_tokens_nonce")),
    )
    op.create_table(
        "outbound_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("to_email", sa.String(length=254), nullable=False),
        sa.Column("to_name", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=250), nullable=False),
        sa.Column("thread_key", sa.String(length=200), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("queued", "sending", "sent", "failed", name="mailstatus", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("about_type", sa.String(length=60), nullable=True),
        sa.Column("about_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_outbound_mail_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_mail")),
        sa.UniqueConstraint("key", name=op.f("uq_outbound_mail_key")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbound_mail_message_id")),
    )
    with op.batch_alter_table("outbound_mail", schema=None) as batch_op:
        batch_op.create_index("ix_outbound_mail_about", ["about_type", "about_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbound_mail_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbound_mail_thread_key"), ["thread_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbound_mail_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("outbound_mail", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbound_mail_user_id"))
        batch_op.drop_index(batch_op.f("ix_outbound_mail_thread_key"))
        batch_op.drop_index(batch_op.f("ix_outbound_mail_status"))
        batch_op.drop_index("ix_outbound_mail_about")

    op.drop_table("outbound_mail")
    op.drop_table("used_link_tokens")
