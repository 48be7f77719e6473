"""Database details that differ between SQLite and PostgreSQL."""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db


def enable_sqlite_foreign_keys(engine: sa.Engine) -> None:
    """Make SQLite enforce foreign keys, as PostgreSQL does."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def hold_row_locks_on_sqlite(engine: sa.Engine) -> None:
    """Make a row lock (SELECT ... FOR UPDATE) hold on SQLite as it does on PostgreSQL.

    SQLite ignores FOR UPDATE, and its driver opens a transaction only at the first write,
    so two requests could both read "one slot left" and both take it. A statement that asks
    for a row lock takes the database's write lock first (BEGIN IMMEDIATE), unless the
    transaction writes already: the rows are read under the lock, and whoever comes next
    waits for the commit, then reads what was committed, as PostgreSQL's row lock would
    make it do. Transactions that lock nothing are not held up.
    """

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _take_write_lock(conn, cursor, statement, parameters, context, executemany):
        compiled = context.compiled if context is not None else None
        if compiled is None or getattr(compiled.statement, "_for_update_arg", None) is None:
            return
        if not conn.connection.driver_connection.in_transaction:
            cursor.execute("BEGIN IMMEDIATE")


# A row another transaction saved or deleted at the same moment: a duplicate of a unique
# value, or a reference to a row that is gone (SQLite's extended codes; PostgreSQL's SQLSTATE).
CONFLICTS = {
    "SQLITE_CONSTRAINT_UNIQUE",
    "SQLITE_CONSTRAINT_PRIMARYKEY",
    "SQLITE_CONSTRAINT_FOREIGNKEY",
    "23505",
    "23503",
}


def is_conflict(exc: sa.exc.IntegrityError) -> bool:
    """Whether the database refused a write because of what another write did meanwhile
    (a unique value taken, a referenced row deleted), rather than because of a mistake in
    the write itself (a missing value, a failed check)."""
    orig = exc.orig
    return (getattr(orig, "sqlite_errorname", None) or getattr(orig, "sqlstate", None)) in CONFLICTS


def dialect_insert(table):
    """An INSERT in the database's own dialect (PostgreSQL or SQLite), for ON CONFLICT."""
    return {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[db.session.get_bind().dialect.name](table)


def insert_unless_exists(table: sa.Table, values: dict, unique_columns: str | list[str]) -> int | None:
    """Insert a row in the current transaction; return its id, or None if the value was taken.

    INSERT ... ON CONFLICT DO NOTHING waits for a concurrent insert of the same value and
    then does nothing, so two racing callers never both succeed, and neither transaction
    is broken by an integrity error (a savepoint would do the same, but SQLite's driver
    commits a savepoint that opens the transaction).
    """
    db.session.flush()
    columns = [unique_columns] if isinstance(unique_columns, str) else unique_columns
    statement = (
        dialect_insert(table).values(**values).on_conflict_do_nothing(index_elements=columns).returning(table.c.id)
    )
    return db.session.execute(statement).scalar()


def row_to_save(model: type, row_id: int | None, missing: str):
    """The row of `model` that `row_id` names, to be changed, or a new one added to the
    session when `row_id` is None; LookupError(`missing`) when it names no row."""
    if row_id is None:
        row = model()
        db.session.add(row)
        return row
    row = db.session.get(model, row_id)
    if row is None:
        raise LookupError(missing)
    return row
