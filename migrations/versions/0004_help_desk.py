"""Help desk: questions, their skills, posts, routing attempts, self-solves and the knowledge base's search index.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 11:07:09.045005

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asker_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("goal", sa.String(length=300), nullable=False),
        sa.Column("stuck", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=2000), nullable=False),
        sa.Column("page_title", sa.String(length=300), nullable=False),
        sa.Column(
            "urgency", sa.Enum("can_wait", "blocking", name="urgency", native_enum=False, length=10), nullable=False
        ),
        sa.Column(
            "state",
            sa.Enum("open", "answered", "resolved", name="questionstate", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column(
            "visibility",
            sa.Enum("named", "anonymous", "private", name="visibility", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("request_key", sa.String(length=64), nullable=True),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=True),
        sa.Column("helpful_note", sa.String(length=300), nullable=False),
        sa.Column("kb_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("first_routed_at", sa.DateTime(), nullable=True),
        sa.Column("first_reply_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["asker_id"], ["users.id"], name=op.f("fk_questions_asker_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_questions_team_id_teams"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
        sa.UniqueConstraint("asker_id", "request_key", name=op.f("uq_questions_asker_id")),
    )
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_questions_asker_id"), ["asker_id"], unique=False)
        batch_op.create_index("ix_questions_state_created", ["state", "created_at"], unique=False)
        batch_op.create_index("ix_questions_team_created", ["team_id", "created_at"], unique=False)

    op.create_table(
        "question_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("via", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_question_posts_author_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["question_id"], ["questions.id"], name=op.f("fk_question_posts_question_id_questions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_posts")),
    )
    with op.batch_alter_table("question_posts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_question_posts_question_id"), ["question_id"], unique=False)

    op.create_table(
        "question_skills",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"], ["questions.id"], name=op.f("fk_question_skills_question_id_questions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skills.id"], name=op.f("fk_question_skills_skill_id_skills"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("question_id", "skill_id", name=op.f("pk_question_skills")),
    )
    with op.batch_alter_table("question_skills", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_question_skills_skill_id"), ["skill_id"], unique=False)

    op.create_table(
        "routing_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(length=30), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "waiting",
                "answered",
                "passed",
                "timed_out",
                "closed",
                name="attemptstate",
                native_enum=False,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("deadline_at", sa.DateTime(), nullable=False),
        sa.Column("hint", sa.String(length=300), nullable=False),
        sa.Column("notified_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["mentor_id"], ["users.id"], name=op.f("fk_routing_attempts_mentor_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_routing_attempts_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_attempts")),
        sa.UniqueConstraint("question_id", "number", name=op.f("uq_routing_attempts_question_id")),
    )
    with op.batch_alter_table("routing_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_routing_attempts_mentor_state", ["mentor_id", "state"], unique=False)
        batch_op.create_index("ix_routing_attempts_state_deadline", ["state", "deadline_at"], unique=False)
        batch_op.create_index(
            "uq_routing_attempts_live",
            ["question_id"],
            unique=True,
            postgresql_where=sa.text("state = 'waiting'"),
            sqlite_where=sa.text("state = 'waiting'"),
        )

    op.create_table(
        "self_solves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"], ["questions.id"], name=op.f("fk_self_solves_question_id_questions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_self_solves_team_id_teams"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_self_solves_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_solves")),
    )
    with op.batch_alter_table("self_solves", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_self_solves_question_id"), ["question_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_self_solves_user_id"), ["user_id"], unique=False)

    _create_search()


def downgrade():
    _drop_search()
    with op.batch_alter_table("self_solves", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_self_solves_user_id"))
        batch_op.drop_index(batch_op.f("ix_self_solves_question_id"))

    op.drop_table("self_solves")
    with op.batch_alter_table("routing_attempts", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_routing_attempts_live",
            postgresql_where=sa.text("state = 'waiting'"),
            sqlite_where=sa.text("state = 'waiting'"),
        )
        batch_op.drop_index("ix_routing_attempts_state_deadline")
        batch_op.drop_index("ix_routing_attempts_mentor_state")

    op.drop_table("routing_attempts")
    with op.batch_alter_table("question_skills", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_skills_skill_id"))

    op.drop_table("question_skills")
    with op.batch_alter_table("question_posts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_posts_question_id"))

    op.drop_table("question_posts")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_index("ix_questions_team_created")
        batch_op.drop_index("ix_questions_state_created")
        batch_op.drop_index(batch_op.f("ix_questions_asker_id"))

    op.drop_table("questions")


# The knowledge base's full-text index, in each database's own engine. It holds only what
# the knowledge base shows (resolved questions published named or anonymous, in a team),
# with their team and skills, so the engine itself filters by them. Triggers refresh a
# question's entry whenever the question or its skills change. These objects are not
# models; Alembic is told to leave them alone (app.help.search.include_name).
# On SQLite a batch migration of `questions` or `question_skills` copies the table and drops
# the old one, and its triggers with it: such a migration must create them again.
PUBLISHED = "state = 'resolved' AND visibility IN ('named', 'anonymous') AND team_id IS NOT NULL"


def _sqlite_refresh(question_id):
    return f"""
            DELETE FROM question_search WHERE rowid = {question_id};
            INSERT INTO question_search (rowid, goal, kb_text, tags)
            SELECT id, goal, kb_text, 'team' || team_id || coalesce(
                (SELECT ' ' || group_concat('skill' || skill_id, ' ') FROM question_skills
                 WHERE question_id = questions.id), '')
            FROM questions WHERE id = {question_id} AND {PUBLISHED};"""


SQLITE_TRIGGERS = {
    "question_search_asked": f"""
        CREATE TRIGGER question_search_asked AFTER INSERT ON questions
        BEGIN {_sqlite_refresh("new.id")} END""",
    "question_search_changed": f"""
        CREATE TRIGGER question_search_changed
        AFTER UPDATE OF goal, kb_text, state, visibility, team_id ON questions
        BEGIN {_sqlite_refresh("new.id")} END""",
    "question_search_deleted": """
        CREATE TRIGGER question_search_deleted AFTER DELETE ON questions
        BEGIN DELETE FROM question_search WHERE rowid = old.id; END""",
    "question_search_skill_added": f"""
        CREATE TRIGGER question_search_skill_added AFTER INSERT ON question_skills
        BEGIN {_sqlite_refresh("new.question_id")} END""",
    "question_search_skill_removed": f"""
        CREATE TRIGGER question_search_skill_removed AFTER DELETE ON question_skills
        BEGIN {_sqlite_refresh("old.question_id")} END""",
}
POSTGRES_REFRESH = f"""
    CREATE FUNCTION question_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        changed integer;
    BEGIN
        IF TG_TABLE_NAME = 'questions' THEN
            changed := NEW.id;
        ELSIF TG_OP = 'DELETE' THEN
            changed := OLD.question_id;
        ELSE
            changed := NEW.question_id;
        END IF;
        DELETE FROM question_search WHERE question_id = changed;
        -- The goal weighs more than the rest (A over B).
        INSERT INTO question_search (question_id, team_id, skill_ids, vector)
        SELECT id, team_id,
               ARRAY(SELECT skill_id FROM question_skills WHERE question_id = questions.id),
               setweight(to_tsvector('english', goal), 'A') || setweight(to_tsvector('english', kb_text), 'B')
        FROM questions WHERE id = changed AND {PUBLISHED};
        RETURN NULL;
    END $$"""


def _create_search():
    if op.get_bind().dialect.name == "postgresql":
        # A narrow table, so ranking reads short rows rather than whole questions.
        op.execute("""
            CREATE TABLE question_search (
                question_id integer PRIMARY KEY REFERENCES questions (id) ON DELETE CASCADE,
                team_id integer NOT NULL,
                skill_ids integer[] NOT NULL,
                vector tsvector NOT NULL)""")
        op.execute("CREATE INDEX ix_question_search_vector ON question_search USING gin (vector)")
        op.execute("CREATE INDEX ix_question_search_skill_ids ON question_search USING gin (skill_ids)")
        # Statistics on ten thousand words rather than a thousand: search plans by them.
        op.execute("ALTER TABLE question_search ALTER COLUMN vector SET STATISTICS 1000")
        op.execute(POSTGRES_REFRESH)
        op.execute("""
            CREATE TRIGGER question_search_question AFTER INSERT OR UPDATE OF goal, kb_text, state,
            visibility, team_id ON questions FOR EACH ROW EXECUTE FUNCTION question_search_refresh()""")
        op.execute("""
            CREATE TRIGGER question_search_skills AFTER INSERT OR UPDATE OR DELETE ON question_skills
            FOR EACH ROW EXECUTE FUNCTION question_search_refresh()""")
    else:
        # Tags ("team3 skill7 skill9") are words of their own column, weighing nothing in bm25.
        op.execute("""
            CREATE VIRTUAL TABLE question_search USING fts5(
                goal, kb_text, tags, tokenize='porter unicode61 remove_diacritics 2')""")
        for sql in SQLITE_TRIGGERS.values():
            op.execute(sql)


def _drop_search():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS question_search_skills ON question_skills")
        op.execute("DROP TRIGGER IF EXISTS question_search_question ON questions")
        op.execute("DROP TABLE IF EXISTS question_search")
        op.execute("DROP FUNCTION IF EXISTS question_search_refresh()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS question_search")
