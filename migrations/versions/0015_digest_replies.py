"""Digest replies: which questions each digest told its mentor of, so that a reply to the digest itself is posted on its one question or answered with each question's links.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 17:35:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "digest_questions",
        sa.Column("mail_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mail_id"],
            ["outbound_mail.id"],
            name=op.f("fk_digest_questions_mail_id_outbound_mail"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_digest_questions_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("mail_id", "question_id", name=op.f("pk_digest_questions")),
    )


def downgrade():
    op.drop_table("digest_questions")
