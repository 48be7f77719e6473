"""Database details that differ between SQLite and PostgreSQL."""

import sqlalchemy as sa


def enable_sqlite_foreign_keys(engine: sa.Engine) -> None:
    """Make SQLite enforce foreign keys, as PostgreSQL does."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
