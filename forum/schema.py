"""The database schema's history: migrations, and forums made before there were any.

Every change to the models ships with a migration in forum/migrations/versions
(`flask --app app db migrate -m "..."` writes a draft to review). `flask --app
app db upgrade` brings any forum up to date; docs/migrations.md says more.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import Connection, Engine

from .core.database import UTCDateTime
from .core.extensions import db, migrate

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# The revision equal to the schema `create_all` made before migrations existed.
BASELINE = "0001"


def _render_item(kind: str, obj, _context):
    """Drafts name plain SQL types: a migration must keep working when app code moves."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"  # what UTCDateTime stores; the conversion lives in the model
    return False


# Tables the PostgreSQL search engine keeps (migration 0009): made by
# migrations like the rest, but no model describes them.
ENGINE_TABLES = frozenset({"search_documents", "search_words", "search_built"})


def _include_object(obj, name, kind, _reflected, _compare_to) -> bool:
    table = obj if kind == "table" else getattr(obj, "table", None)
    return table is None or table.name not in ENGINE_TABLES


# Used by env.py and by the test that models and migrations agree. Batch mode
# lets one migration alter a column on SQLite (by copying the table) as well as
# on PostgreSQL (with ALTER TABLE).
COMPARE_OPTIONS = {"render_as_batch": True, "compare_type": True, "render_item": _render_item,
                   "include_object": _include_object}
# Tables that tell a forum's database from an empty one.
FORUM_TABLES = frozenset({"users", "themes", "threads", "posts"})


class SchemaError(RuntimeError):
    """The database can't be brought up to date safely; the message says why and what to do."""


def init_app(app: Flask) -> None:
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))


def upgrade(revision: str = "head", quiet: bool = False) -> None:
    """Bring the app's database to a revision (the newest by default), as `flask db upgrade` does.

    Alembic is called directly, not through Flask-Migrate's command, which
    turns every error into a log line and an exit: callers here see SchemaError.
    `quiet` leaves out Alembic's line per migration (env.py reads it): init-db says what it did.
    """
    config = current_app.extensions["migrate"].migrate.get_config(str(MIGRATIONS_DIR))
    config.attributes["quiet"] = quiet
    command.upgrade(config, revision)


def database_revision() -> str | None:
    """The app's database's revision; None for one without migrations (new, or made by create_all)."""
    with db.engine.connect() as connection:
        return current_revision(connection)


def has_tables() -> bool:
    return bool(inspect(db.engine).get_table_names())


def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection to migrate on; on SQLite, with foreign key enforcement off.

    A batch migration on SQLite copies a table and drops the original. With
    enforcement on, that drop deletes every row that refers to the table
    through ON DELETE CASCADE (a theme's panelists and resources, say) or
    fails. The pragma only works outside a transaction, so it is set on the
    driver's connection before Alembic begins; check_foreign_keys() then
    checks the result before the migration commits.
    """
    with engine.connect() as connection:
        if engine.dialect.name != "sqlite":
            yield connection
            return
        raw = connection.connection.driver_connection
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            yield connection
        finally:
            connection.rollback()  # nothing is left open when enforcement returns
            raw.execute("PRAGMA foreign_keys = ON")


def check_foreign_keys(connection: Connection) -> None:
    """On SQLite, refuse to commit a migration that left rows pointing at nothing."""
    if connection.dialect.name != "sqlite":
        return  # PostgreSQL checks every constraint as the migration runs
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({row[0] for row in broken})
        raise SchemaError(f"the migration would leave {len(broken)} rows in {', '.join(tables)} "
                          "referring to rows that no longer exist; nothing was changed")


def adopt_unversioned(connection: Connection, context: MigrationContext, script: ScriptDirectory) -> None:
    """Mark a forum made by `create_all` (before migrations) as being at the baseline.

    Such a database has the forum's tables and no version table. It is
    stamped only when it has every table and column of the baseline; one made
    by an even older version is refused with a message, never half-migrated.
    """
    tables = set(inspect(connection).get_table_names())
    if "alembic_version" in tables or not FORUM_TABLES <= tables:
        return
    missing = _missing_from(connection, _baseline_columns(script))
    if missing:
        raise SchemaError(
            "this database was made by a version of the forum older than its first migration "
            f"and lacks {', '.join(missing)}. Export it with that version "
            "(`flask --app app archive export FILE`), then import the file into a new database.")
    context.stamp(script, BASELINE)


def _baseline_columns(script: ScriptDirectory) -> dict[str, set[str]]:
    """The tables and columns of the baseline, read by running it on a scratch database."""
    scratch_engine = create_engine("sqlite://")
    with scratch_engine.begin() as scratch:
        with Operations.context(MigrationContext.configure(scratch)):
            script.get_revision(BASELINE).module.upgrade()
        inspector = inspect(scratch)
        columns = {table: {column["name"] for column in inspector.get_columns(table)}
                   for table in inspector.get_table_names()}
    scratch_engine.dispose()
    return columns


def _missing_from(connection: Connection, expected: dict[str, set[str]]) -> list[str]:
    inspector = inspect(connection)
    present = set(inspector.get_table_names())
    missing = []
    for table, columns in sorted(expected.items()):
        if table not in present:
            missing.append(f"table {table}")
            continue
        have = {column["name"] for column in inspector.get_columns(table)}
        missing.extend(f"column {table}.{name}" for name in sorted(columns - have))
    return missing
