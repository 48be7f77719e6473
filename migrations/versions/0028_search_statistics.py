"""Knowledge-base search on PostgreSQL keeps the usual statistics on its words: its plans no
longer rest on an estimate of how many entries match, and planning with ten times as many
words cost more than the estimate was worth.

Revision ID: 0028
Revises: 0026
Create Date: 2026-12-07 08:05:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0028"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE question_search ALTER COLUMN vector SET STATISTICS -1")
        op.execute("ANALYZE question_search")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE question_search ALTER COLUMN vector SET STATISTICS 1000")
        op.execute("ANALYZE question_search")
