"""Database details that differ between SQLite and PostgreSQL."""

import sqlalchemy as sa


def enable_sqlite_foreign_keys(engine: sa.Engine) -> None:
    """Make SQLite enforce foreign keys, as PostgreSQL does."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def insert_unless_exists(table: sa.Table, values: dict, unique_columns: str | list[str]) -> int | None:
    """Insert a row in the current transaction; return its id, or None if the value was taken.

    INSERT ... ON CONFLICT DO NOTHING waits for a concurrent insert of the same value and
    then does nothing, so two racing callers never both succeed, and neither transaction
    is broken by an integrity error (a savepoint would do the same, but SQLite's driver
    commits a savepoint that opens the transaction).
    """
    from sqlalchemy.dialects import postgresql, sqlite

    from app.extensions import db

    db.session.flush()
    columns = [unique_columns] if isinstance(unique_columns, str) else unique_columns
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[db.session.get_bind().dialect.name]
    statement = (insert(table).values(**values)
                 .on_conflict_do_nothing(index_elements=columns).returning(table.c.id))
    return db.session.execute(statement).scalar()
